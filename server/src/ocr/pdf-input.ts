// PDF pages one at a time: a page with a text layer gives its text (exact, no OCR); a page
// without one (a scan) is rendered at 300 dpi and OCR'd. Only one page is in memory at a time.
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { lineFromWords } from "./rows";
import { MAX_OCR_PIXELS } from "./raster-input";
import { OcrInputError, type OcrLine, type OcrWord } from "./types";

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
type PdfDocument = Awaited<ReturnType<PdfJs["getDocument"]>["promise"]>;
type PdfPage = Awaited<ReturnType<PdfDocument["getPage"]>>;

/** A page counts as having a text layer from this many non-space characters (a stamped page number alone does not). */
const MIN_TEXT_LAYER_CHARS = 16;
const OCR_DPI = 300;

let pdfjs: Promise<PdfJs> | undefined;
const require = createRequire(import.meta.url);

function assetDir(name: string): string {
  return `${pathToFileURL(path.join(path.dirname(require.resolve("pdfjs-dist/package.json")), name)).href}/`;
}

export async function openPdf(bytes: Uint8Array): Promise<PdfDocument> {
  pdfjs ??= import("pdfjs-dist/legacy/build/pdf.mjs");
  const lib = await pdfjs;
  const task = lib.getDocument({
    data: bytes,
    isEvalSupported: false,
    useSystemFonts: false,
    standardFontDataUrl: assetDir("standard_fonts"),
    cMapUrl: assetDir("cmaps"),
    cMapPacked: true,
    wasmUrl: assetDir("wasm"),
    verbosity: 0,
  });
  try {
    return await task.promise;
  } catch (error) {
    await task.destroy().catch(() => undefined);
    const name = (error as Error).name;
    if (name === "PasswordException") throw new OcrInputError("The PDF is encrypted with a password; open it, save an unprotected copy and OCR that.");
    if (name === "InvalidPDFException") throw new OcrInputError(`The PDF is damaged and cannot be read (${(error as Error).message}).`);
    throw new OcrInputError(`The PDF cannot be read: ${(error as Error).message}`);
  }
}

/** The page's text layer as lines in page pixels at 72 dpi, or undefined when it has (almost) none. */
export async function textLayerLines(page: PdfPage): Promise<{ lines: OcrLine[]; width: number; height: number } | undefined> {
  const viewport = page.getViewport({ scale: 1 });
  const content = await page.getTextContent();
  const words: OcrWord[] = [];
  let chars = 0;
  for (const item of content.items) {
    if (!("str" in item) || item.str.trim() === "") continue;
    chars += item.str.replace(/\s/g, "").length;
    const [x, y] = viewport.convertToViewportPoint(item.transform[4]!, item.transform[5]!) as [number, number];
    const height = Math.max(1, item.height || Math.hypot(item.transform[2]!, item.transform[3]!));
    const charWidth = item.width / Math.max(1, item.str.length);
    let offset = 0;
    for (const part of item.str.split(/(\s+)/)) {
      if (part.trim() !== "") {
        const x0 = x + offset * charWidth;
        words.push({ text: part, confidence: 100, box: { x0, y0: y - height, x1: x0 + part.length * charWidth, y1: y } });
      }
      offset += part.length;
    }
  }
  if (chars < MIN_TEXT_LAYER_CHARS) return undefined;
  return { lines: groupIntoLines(words), width: Math.round(viewport.width), height: Math.round(viewport.height) };
}

/** Words of a text layer → lines by baseline, top to bottom. */
function groupIntoLines(words: OcrWord[]): OcrLine[] {
  const sorted = [...words].sort((a, b) => a.box.y1 - b.box.y1 || a.box.x0 - b.box.x0);
  const lines: OcrWord[][] = [];
  for (const word of sorted) {
    const last = lines.at(-1);
    const tolerance = (word.box.y1 - word.box.y0) * 0.4;
    if (last && Math.abs(last[0]!.box.y1 - word.box.y1) <= tolerance) last.push(word);
    else lines.push([word]);
  }
  return lines.map(lineFromWords);
}

/** Renders the page for OCR at 300 dpi (less for huge pages), as a PNG. */
export async function renderPage(page: PdfPage): Promise<{ png: Buffer; width: number; height: number }> {
  const base = page.getViewport({ scale: 1 });
  let scale = OCR_DPI / 72;
  if (base.width * base.height * scale * scale > MAX_OCR_PIXELS) scale = Math.sqrt(MAX_OCR_PIXELS / (base.width * base.height));
  const viewport = page.getViewport({ scale });
  // A native addon: loaded on first render, like pdfjs itself.
  const { createCanvas } = await import("@napi-rs/canvas");
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const context = canvas.getContext("2d");
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  // pdfjs types its parameters with the DOM's canvas; @napi-rs/canvas is what it uses in Node.
  type RenderParameters = Parameters<PdfPage["render"]>[0];
  await page.render({ canvas: canvas as unknown as RenderParameters["canvas"], canvasContext: context as unknown as RenderParameters["canvasContext"], viewport }).promise;
  return { png: canvas.toBuffer("image/png"), width: canvas.width, height: canvas.height };
}

export type { PdfDocument, PdfPage };
