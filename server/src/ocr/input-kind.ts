// What a file is, from its first bytes (never its name): the OCR inputs Pincer accepts.
import type { InputKind } from "./types";

export function detectInputKind(head: Uint8Array): InputKind | undefined {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  const ascii = (offset: number, text: string) => [...text].every((c, i) => head[offset + i] === c.charCodeAt(0));
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "png";
  if (starts(0xff, 0xd8, 0xff)) return "jpeg";
  if (ascii(0, "RIFF") && ascii(8, "WEBP")) return "webp";
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return "tiff";
  if (ascii(0, "GIF87a") || ascii(0, "GIF89a")) return "gif";
  if (ascii(0, "BM") && head.length >= 26) return "bmp";
  // "%PDF-" may follow a little junk; PDF readers allow it within the first 1024 bytes.
  const text = Buffer.from(head.subarray(0, 1024)).toString("latin1");
  if (text.includes("%PDF-")) return "pdf";
  return undefined;
}

export const ACCEPTED_INPUTS = "PNG, JPEG, WebP, TIFF, BMP, GIF or PDF";
