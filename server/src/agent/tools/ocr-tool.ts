// The agent's `ocr_document` tool: reads an image or PDF inside the workspace and returns its
// text as untrusted document content. It only reads; what the agent does next is decided by the
// permission rules, never by the document.
import { documentToContext, MAX_CONTEXT_CHARS } from "../../ocr/document-context";
import type { OcrService } from "../../ocr/ocr-service";
import { OcrInputError } from "../../ocr/types";
import type { ToolDefinition, ToolOutcome } from "../tool-types";

type OcrToolArgs = { path: string; languages?: string };

export function createOcrDocumentTool(service?: OcrService): ToolDefinition<OcrToolArgs> {
  return {
    name: "ocr_document",
    description: "Read the text of an image or PDF in the workspace (OCR; PDF text layers used where present). Returns Markdown marked as untrusted document content.",
    parameters: {
      type: "object",
      properties: {
        path: { type: "string", description: "Workspace-relative path of a PNG, JPEG, WebP, TIFF, BMP, GIF or PDF file", maxLength: 200 },
        languages: { type: "string", description: "Tesseract languages joined by +, e.g. eng or eng+chi_sim (default eng)", maxLength: 64 },
      },
      required: ["path"],
      additionalProperties: false,
    },
    effect: "read",
    targets: (args) => ({ paths: [args.path] }),
    async run(args, context): Promise<ToolOutcome> {
      const resolved = await context.roots.resolveInside(args.path);
      if (!resolved.ok) return { ok: false, observation: `Cannot read ${args.path}: ${resolved.reason}.` };
      if (!resolved.exists) return { ok: false, observation: `${args.path} does not exist. List the folder to find the file's name.` };
      const languages = args.languages ? args.languages.split("+") : undefined;
      try {
        const document = await documentToContext(resolved.path, {
          signal: context.signal,
          languages,
          maxChars: MAX_CONTEXT_CHARS,
          sourceName: resolved.relative.split("\\").join("/"),
          service,
        });
        return {
          ok: true,
          observation: document.context,
          details: { source: document.source, pages: document.pages, pageCount: document.pageCount, truncated: document.truncated, confidence: document.confidence },
        };
      } catch (error) {
        if (error instanceof OcrInputError) return { ok: false, observation: error.message };
        throw error;
      }
    },
  };
}
