// Images and PDFs with known text for the OCR tests and bench, drawn with @napi-rs/canvas.
import { createCanvas, loadImage, PDFDocument, type SKRSContext2D } from "@napi-rs/canvas";
import { deflateSync } from "node:zlib";

export interface TextPlacement {
  text: string;
  x: number;
  /** Baseline. */
  y: number;
  /** "left" by default; "right" puts x at the text's end. */
  align?: "left" | "right" | "center";
}

export interface RenderOptions {
  width: number;
  height: number;
  font?: string;
  /** Degrees, about the image centre. */
  rotate?: number;
  /** Fraction of pixels flipped to random grey (salt and pepper). */
  noise?: number;
  seed?: number;
}

export function renderTextImage(items: readonly TextPlacement[], options: RenderOptions): Buffer {
  const canvas = createCanvas(options.width, options.height);
  const g = canvas.getContext("2d");
  g.fillStyle = "#ffffff";
  g.fillRect(0, 0, options.width, options.height);
  if (options.rotate) {
    g.translate(options.width / 2, options.height / 2);
    g.rotate((options.rotate * Math.PI) / 180);
    g.translate(-options.width / 2, -options.height / 2);
  }
  g.fillStyle = "#111111";
  g.font = options.font ?? "32px 'DejaVu Sans'";
  for (const item of items) {
    g.textAlign = item.align ?? "left";
    g.fillText(item.text, item.x, item.y);
  }
  if (options.noise) {
    g.setTransform(1, 0, 0, 1, 0, 0);
    const image = g.getImageData(0, 0, options.width, options.height);
    let state = options.seed ?? 1;
    const random = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < image.data.length; i += 4) {
      if (random() < options.noise) {
        const v = Math.floor(random() * 255);
        image.data[i] = image.data[i + 1] = image.data[i + 2] = v;
      }
    }
    g.putImageData(image, 0, 0);
  }
  return canvas.toBuffer("image/png");
}

/** Lines of text, one per row, starting at the top left. */
export function renderLines(lines: readonly string[], options: Partial<RenderOptions> & { size?: number } = {}): Buffer {
  const size = options.size ?? 32;
  const width = options.width ?? Math.max(400, Math.max(...lines.map((l) => l.length)) * size * 0.7 + 80);
  const height = options.height ?? lines.length * size * 1.8 + 80;
  return renderTextImage(
    lines.map((text, i) => ({ text, x: 40, y: 40 + size + i * size * 1.8 })),
    { width: Math.ceil(width), height: Math.ceil(height), font: options.font ?? `${size}px 'DejaVu Sans'`, rotate: options.rotate, noise: options.noise, seed: options.seed },
  );
}

/** A table: columns placed by the widest cell plus a gap; numbers right-aligned. */
export function renderTable(rows: readonly string[][], options: { size?: number; font?: string; gap?: number } = {}): Buffer {
  const size = options.size ?? 30;
  const font = options.font ?? `${size}px 'DejaVu Sans'`;
  const measure = createCanvas(10, 10).getContext("2d");
  measure.font = font;
  const columns = rows[0]!.length;
  const widths = Array.from({ length: columns }, (_, c) => Math.max(...rows.map((r) => measure.measureText(r[c] ?? "").width)));
  const gap = options.gap ?? size * 2.5;
  const items: TextPlacement[] = [];
  const numeric = (c: number) => rows.slice(1).every((r) => /^[\d.,%$-]+$/.test(r[c] ?? ""));
  let x = 40;
  for (let c = 0; c < columns; c++) {
    rows.forEach((row, r) => {
      const y = 40 + size + r * size * 1.9;
      if (numeric(c)) items.push({ text: row[c] ?? "", x: x + widths[c]!, y, align: "right" });
      else items.push({ text: row[c] ?? "", x, y });
    });
    x += widths[c]! + gap;
  }
  return renderTextImage(items, { width: Math.ceil(x + 40), height: Math.ceil(40 + size + rows.length * size * 1.9 + 20), font });
}

/** A PDF whose pages are either real text (a text layer) or a picture of text (a scan). */
export async function makePdf(pages: readonly ({ text: string[] } | { scan: Buffer })[]): Promise<Buffer> {
  const doc = new PDFDocument();
  for (const page of pages) {
    // beginPage is typed with the DOM context; it returns the same Skia context as a canvas.
    const g = doc.beginPage(612, 792) as unknown as SKRSContext2D;
    if ("text" in page) {
      g.fillStyle = "#000000";
      g.font = "14px 'DejaVu Sans'";
      page.text.forEach((line, i) => g.fillText(line, 72, 100 + i * 24));
    } else {
      const image = await loadImage(page.scan);
      g.drawImage(image, 0, 0, 612, (612 * image.height) / image.width);
    }
    doc.endPage();
  }
  return doc.close();
}

/** A valid PNG header that claims width x height (IHDR only plus an empty IDAT): never decodable at that size. */
export function pngHeaderClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(Buffer.alloc(0))), chunk("IEND", Buffer.alloc(0))]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A PDF with a standard-security /Encrypt dictionary whose user password is not empty. */
export function encryptedPdf(): Buffer {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    `<< /Filter /Standard /V 1 /R 2 /O <${"ab".repeat(32)}> /U <${"cd".repeat(32)}> /P -4 >>`,
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<${"01".repeat(16)}> <${"01".repeat(16)}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}
