// Markdown → PDF without a TeX installation (pdfkit, pure JavaScript): headings, paragraphs, lists, code,
// tables as aligned text and images (PNG/JPEG handed in by the caller after confinement). Less typeset than
// LaTeX, but it needs nothing from the system, so a report can be rendered on any machine.
import MarkdownIt from "markdown-it";

type Token = ReturnType<InstanceType<typeof MarkdownIt>["parse"]>[number];

export async function renderMarkdownPdf(markdown: string, images: ReadonlyMap<string, Uint8Array>, options: { signal: AbortSignal }): Promise<Buffer> {
  const tokens = new MarkdownIt({ html: false }).parse(markdown, {});
  // Loaded on first use: the server and every CLI command start without it.
  const { default: PDFDocument } = await import("pdfkit");
  const doc = new PDFDocument({ size: "A4", margin: 56, info: { Producer: "Pincer", Creator: "Pincer" } });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const width = doc.page.width - 112;
  let listDepth = 0;
  let heading = 0;
  let row: string[] | undefined;
  for (const token of tokens) {
    options.signal.throwIfAborted();
    switch (token.type) {
      case "heading_open":
        heading = Number(token.tag.slice(1));
        break;
      case "heading_close":
        heading = 0;
        break;
      case "bullet_list_open":
      case "ordered_list_open":
        listDepth++;
        break;
      case "bullet_list_close":
      case "ordered_list_close":
        listDepth--;
        doc.moveDown(0.3);
        break;
      case "tr_open":
        row = [];
        break;
      case "tr_close":
        doc.font("Helvetica").fontSize(10).text((row ?? []).join("    "), { width });
        row = undefined;
        break;
      case "fence":
      case "code_block":
        doc.font("Courier").fontSize(9).text(token.content.trimEnd(), { width }).moveDown(0.5);
        break;
      case "hr":
        doc.moveDown(0.5);
        break;
      case "inline":
        if (row) row.push(plain(token));
        else writeInline(doc, token, { heading, listDepth, width, images });
        break;
    }
  }
  doc.end();
  return done;
}

function plain(token: Token): string {
  return (token.children ?? []).map((child) => (child.type === "softbreak" || child.type === "hardbreak" ? " " : child.content)).join("");
}

function writeInline(doc: PDFKit.PDFDocument, token: Token, state: { heading: number; listDepth: number; width: number; images: ReadonlyMap<string, Uint8Array> }): void {
  for (const child of token.children ?? []) {
    if (child.type !== "image") continue;
    const src = String(child.attrGet("src") ?? "");
    const bytes = state.images.get(String(src));
    if (bytes) doc.image(Buffer.from(bytes), { fit: [state.width, 360] }).moveDown(0.5);
    else doc.font("Helvetica-Oblique").fontSize(10).text(`[image ${src} not available]`);
  }
  const text = plain(token).trim();
  if (text === "" && (token.children ?? []).some((c) => c.type === "image")) return;
  if (state.heading > 0) {
    doc.font("Helvetica-Bold").fontSize(Math.max(11, 22 - state.heading * 3)).text(text, { width: state.width }).moveDown(0.4);
  } else if (state.listDepth > 0) {
    doc.font("Helvetica").fontSize(11).text(`•  ${text}`, { width: state.width - 16 * state.listDepth, indent: 16 * state.listDepth }).moveDown(0.2);
  } else {
    doc.font("Helvetica").fontSize(11).text(text, { width: state.width, align: "left" }).moveDown(0.6);
  }
}
