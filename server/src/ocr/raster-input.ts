// Raster images → one greyscale PNG that tesseract reads, with sizes bounded before decoding:
// sharp reads the header first and refuses over-large inputs (limitInputPixels), so a
// 20,000 x 20,000 image costs nothing. BMP, which sharp cannot decode, is read here (uncompressed
// 24/32-bit, the kind screenshot tools write) and handed to sharp as raw pixels.
import type { Metadata, Sharp } from "sharp";
import { messagesFor } from "../platform/messages";
import { OcrInputError, type InputKind } from "./types";

// Notes are English where they are made (the model reads them); OCR_NOTES translates them for the person.
const ENGLISH = messagesFor("en");

/** Inputs above this many pixels are refused (a 20k x 20k image is 400 M). */
export const MAX_INPUT_PIXELS = 100_000_000;
/** Larger images are scaled down to this many pixels before OCR (wasm memory, time). */
export const MAX_OCR_PIXELS = 24_000_000;

export interface PreparedImage {
  png: Buffer;
  width: number;
  height: number;
  note?: string;
}

type SharpFactory = typeof import("sharp").default;

/** sharp is a native addon: loaded on first use, so the server starts without it and survives its absence. */
let sharpModule: Promise<SharpFactory> | undefined;
function loadSharp(): Promise<SharpFactory> {
  sharpModule ??= import("sharp").then((m) => m.default);
  return sharpModule;
}

export async function prepareRaster(bytes: Buffer, kind: Exclude<InputKind, "pdf">, signal: AbortSignal): Promise<PreparedImage> {
  const sharp = await loadSharp();
  const input = kind === "bmp" ? decodeBmp(sharp, bytes) : sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, pages: 1, failOn: "error" });
  let meta: Metadata;
  try {
    // The header alone, without the pixel limit, so an over-large image gets its size in the message.
    meta = kind === "bmp" ? await input.metadata() : await sharp(bytes, { limitInputPixels: false, pages: 1 }).metadata();
  } catch (error) {
    throw new OcrInputError(`The ${kind.toUpperCase()} image cannot be read: ${(error as Error).message}`);
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width <= 0 || height <= 0) throw new OcrInputError(`The ${kind.toUpperCase()} image has no pixels.`);
  if (width * height > MAX_INPUT_PIXELS) {
    throw new OcrInputError(`The image is ${width} x ${height} pixels; OCR takes images up to ${MAX_INPUT_PIXELS / 1e6} megapixels. Crop or scale it down first.`);
  }
  signal.throwIfAborted();
  let pipeline = input.rotate().flatten({ background: "#ffffff" }).greyscale();
  let note: string | undefined;
  let outWidth = width;
  let outHeight = height;
  if (width * height > MAX_OCR_PIXELS) {
    const scale = Math.sqrt(MAX_OCR_PIXELS / (width * height));
    outWidth = Math.floor(width * scale);
    outHeight = Math.floor(height * scale);
    pipeline = pipeline.resize(outWidth, outHeight);
    note = ENGLISH("ocr.imageScaled", width, height, outWidth, outHeight);
  }
  try {
    const png = await pipeline.png({ compressionLevel: 1 }).toBuffer();
    return { png, width: outWidth, height: outHeight, note };
  } catch (error) {
    throw new OcrInputError(`The ${kind.toUpperCase()} image cannot be decoded: ${(error as Error).message}`);
  }
}

/** Uncompressed BMP (BI_RGB 24/32-bit, either row order) → a sharp pipeline over raw pixels. */
function decodeBmp(sharp: SharpFactory, bytes: Buffer): Sharp {
  const fail = (why: string) => new OcrInputError(`The BMP image cannot be read: ${why}.`);
  if (bytes.length < 54) throw fail("the file is truncated");
  const dataOffset = bytes.readUInt32LE(10);
  const width = bytes.readInt32LE(18);
  const rawHeight = bytes.readInt32LE(22);
  const bitsPerPixel = bytes.readUInt16LE(28);
  const compression = bytes.readUInt32LE(30);
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0) throw fail("it has no pixels");
  if (width * height > MAX_INPUT_PIXELS) {
    throw new OcrInputError(`The image is ${width} x ${height} pixels; OCR takes images up to ${MAX_INPUT_PIXELS / 1e6} megapixels. Crop or scale it down first.`);
  }
  if (!((bitsPerPixel === 24 || bitsPerPixel === 32) && (compression === 0 || compression === 3))) {
    throw fail(`only uncompressed 24- and 32-bit BMP files are supported (this one is ${bitsPerPixel}-bit, compression ${compression}); save it as PNG`);
  }
  const bytesPerPixel = bitsPerPixel / 8;
  const stride = Math.ceil((width * bytesPerPixel) / 4) * 4;
  if (dataOffset + stride * height > bytes.length) throw fail("the file is truncated");
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sourceRow = rawHeight > 0 ? height - 1 - y : y;
    const rowStart = dataOffset + sourceRow * stride;
    for (let x = 0; x < width; x++) {
      const s = rowStart + x * bytesPerPixel;
      const d = (y * width + x) * 3;
      rgb[d] = bytes[s + 2]!;
      rgb[d + 1] = bytes[s + 1]!;
      rgb[d + 2] = bytes[s]!;
    }
  }
  return sharp(rgb, { raw: { width, height, channels: 3 }, limitInputPixels: MAX_INPUT_PIXELS });
}
