// The OCR service on real inputs of every accepted kind, the bad inputs, the cache and cancel.
// One worker, shared by the whole file, keeps the run light.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { encryptedPdf, makePdf, pngHeaderClaiming, renderLines } from "../../../test/support/ocr-images";
import { OcrService } from "./ocr-service";
import { OcrInputError } from "./types";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

const LINES = ["Invoice number 4711", "Total due 129.50 EUR"];

/** Words of the expected lines found in the OCR text (clean renders: all of them). */
function assertReads(text: string, lines = LINES): void {
  for (const word of lines.join(" ").split(" ")) assert.ok(text.includes(word), `expected "${word}" in:\n${text}`);
}

/** Uncompressed 24-bit bottom-up BMP of an image (what Windows screenshot tools write). */
async function toBmp(png: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const stride = Math.ceil((info.width * 3) / 4) * 4;
  const header = Buffer.alloc(54);
  header.write("BM", 0, "latin1");
  header.writeUInt32LE(54 + stride * info.height, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(info.width, 18);
  header.writeInt32LE(info.height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  const pixels = Buffer.alloc(stride * info.height);
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const s = (y * info.width + x) * 3;
      const d = (info.height - 1 - y) * stride + x * 3;
      pixels[d] = data[s + 2]!;
      pixels[d + 1] = data[s + 1]!;
      pixels[d + 2] = data[s]!;
    }
  }
  return Buffer.concat([header, pixels]);
}

describe("ocr service", function () {
  this.timeout(120_000);
  const service = new OcrService({ workers: 1 });
  const png = renderLines(LINES);
  after(() => service.dispose());

  it("reads a PNG, with line and word boxes and confidence", async () => {
    const result = await service.ocrBytes(png, { signal: NEVER_ABORTED });
    assert.equal(result.kind, "png");
    assertReads(result.markdown);
    const line = result.pages[0]!.lines[0]!;
    assert.ok(line.confidence > 80, `confidence ${line.confidence}`);
    assert.ok(line.words.length >= 3 && line.words[0]!.box.x1 > line.words[0]!.box.x0);
  });

  for (const [kind, convert] of [
    ["jpeg", (b: Buffer) => sharp(b).jpeg({ quality: 92 }).toBuffer()],
    ["webp", (b: Buffer) => sharp(b).webp({ quality: 92 }).toBuffer()],
    ["tiff", (b: Buffer) => sharp(b).tiff().toBuffer()],
    ["bmp", toBmp],
  ] as const) {
    it(`reads a ${kind.toUpperCase()}`, async () => {
      const result = await service.ocrBytes(await convert(png), { signal: NEVER_ABORTED });
      assert.equal(result.kind, kind);
      assertReads(result.markdown);
    });
  }

  it("reads the first frame of an animated GIF", async () => {
    const second = renderLines(["Completely different words"], { width: 800, height: 320 });
    const first = await sharp(png).resize(800, 320, { fit: "contain", background: "#ffffff" }).toBuffer();
    const gif = await sharp([first, second], { join: { animated: true } }).gif().toBuffer();
    const result = await service.ocrBytes(gif, { signal: NEVER_ABORTED });
    assert.equal(result.kind, "gif");
    assertReads(result.markdown);
    assert.ok(!result.markdown.includes("Completely"));
  });

  it("uses a PDF's text layer where a page has one and OCRs the scanned page", async () => {
    const pdf = await makePdf([{ text: ["Page one has a real text layer here"] }, { scan: renderLines(LINES, { size: 32, width: 1700, height: 2200 }) }]);
    const progress: number[] = [];
    const result = await service.ocrBytes(pdf, { signal: NEVER_ABORTED, onProgress: (p) => progress.push(p.done) });
    assert.equal(result.kind, "pdf");
    assert.deepEqual(result.pages.map((p) => p.source), ["text-layer", "ocr"]);
    assert.equal(result.pages[0]!.markdown, "Page one has a real text layer here");
    assertReads(result.pages[1]!.markdown);
    assert.deepEqual(progress, [0, 1, 2]);
  });

  it("answers a second request for the same bytes from the cache, on disk too", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "pincer-ocr-cache-"));
    const image = renderLines(["Cache me if you can"]);
    try {
      const first = new OcrService({ workers: 1, cacheDir: dir });
      const a = await first.ocrBytes(image, { signal: NEVER_ABORTED });
      const b = await first.ocrBytes(image, { signal: NEVER_ABORTED });
      await first.dispose();
      assert.equal(a.cached, false);
      assert.equal(b.cached, true);
      assert.equal(b.markdown, a.markdown);
      const second = new OcrService({ workers: 1, cacheDir: dir });
      const c = await second.ocrBytes(image, { signal: NEVER_ABORTED });
      await second.dispose();
      assert.equal(c.cached, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("cancels a running job, and the next job still works", async () => {
    const controller = new AbortController();
    const big = renderLines(Array.from({ length: 30 }, (_, i) => `Line ${i} of a long page to keep the worker busy`), { size: 28 });
    const job = service.ocrBytes(big, { signal: controller.signal });
    setImmediate(() => controller.abort());
    await assert.rejects(job, (error: Error) => error.name === "AbortError");
    assertReads((await service.ocrBytes(renderLines(["After the cancel"]), { signal: NEVER_ABORTED })).markdown, ["After the cancel"]);
  });

  it("cancels a long PDF between pages", async () => {
    const pdf = await makePdf(Array.from({ length: 40 }, (_, i) => ({ text: [`Page ${i + 1} of a long report with a text layer`] })));
    const controller = new AbortController();
    const job = service.ocrBytes(pdf, { signal: controller.signal, onProgress: (p) => p.done === 3 && controller.abort() });
    await assert.rejects(job, (error: Error) => error.name === "AbortError");
  });

  it("stops a 1,000-page PDF at the page limit and says so", async () => {
    const pdf = await makePdf(Array.from({ length: 1000 }, (_, i) => ({ text: [`Page ${i + 1} of a very long document`] })));
    const limited = new OcrService({ workers: 1, maxPages: 5 });
    try {
      const result = await limited.ocrBytes(pdf, { signal: NEVER_ABORTED });
      assert.equal(result.pageCount, 1000);
      assert.equal(result.pages.length, 5);
      assert.match(result.notes.join(" "), /first 5 of 1000 pages/);
    } finally {
      await limited.dispose();
    }
  });

  const bad: [string, () => Buffer, RegExp][] = [
    ["a text file", () => Buffer.from("just some text, not an image\n"), /not an image or PDF/],
    ["an empty file", () => Buffer.alloc(0), /not an image or PDF/],
    ["a truncated PNG", () => png.subarray(0, 200), /cannot be (read|decoded)/],
    ["a corrupt PDF", () => Buffer.from("%PDF-1.7\n1 0 obj << garbage"), /PDF/],
    ["an encrypted PDF", encryptedPdf, /encrypted with a password/],
    ["a 20,000 x 20,000 image", () => pngHeaderClaiming(20_000, 20_000), /20000 x 20000 pixels; OCR takes images up to 100 megapixels/],
    ["a BMP with RLE compression", () => Buffer.concat([Buffer.from("BM"), Buffer.alloc(8), Buffer.from([54, 0, 0, 0, 40, 0, 0, 0, 10, 0, 0, 0, 10, 0, 0, 0, 1, 0, 8, 0, 1, 0, 0, 0]), Buffer.alloc(120)]), /only uncompressed 24- and 32-bit BMP/],
  ];
  for (const [name, make, message] of bad) {
    it(`refuses ${name} with a clear message`, async () => {
      await assert.rejects(service.ocrBytes(make(), { signal: NEVER_ABORTED }), (error: Error) => error instanceof OcrInputError && message.test(error.message));
    });
  }

  it("refuses a language whose data is not installed, naming what is", async () => {
    await assert.rejects(service.ocrBytes(png, { signal: NEVER_ABORTED, languages: ["klingon"] }), /not installed: klingon\. Installed: .*eng/);
  });

  it("reads a file from disk and refuses a folder", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "pincer-ocr-file-"));
    try {
      writeFileSync(path.join(dir, "scan.png"), png);
      assertReads((await service.ocrFile(path.join(dir, "scan.png"), { signal: NEVER_ABORTED })).markdown);
      await assert.rejects(service.ocrFile(dir, { signal: NEVER_ABORTED }), /is not a file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
