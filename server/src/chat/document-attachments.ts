// Images and PDFs attached to a chat message: their text comes from OCR (ocr/document-context.ts),
// named by source and wrapped as untrusted document content, so the model sees data, not orders.
import { documentToContext } from "../ocr/document-context";
import type { WorkspaceRoots } from "../platform/workspace-paths";
import type { ChatAttachment } from "../protocol/chat";
import { ContextFileError } from "./file-attachments";

/**
 * Fills in the text of every `document` attachment; others pass through. The file is confined to
 * the workspace first (a path or symlink that leaves it is refused). One at a time: OCR is CPU-bound.
 */
export async function resolveDocumentAttachments(attachments: readonly ChatAttachment[], roots: WorkspaceRoots, signal: AbortSignal): Promise<ChatAttachment[]> {
  const resolvedAttachments: ChatAttachment[] = [];
  for (const attachment of attachments) {
    if (attachment.kind !== "document") {
      resolvedAttachments.push(attachment);
      continue;
    }
    if (!attachment.path) throw new ContextFileError(`${attachment.label}: the attachment names no file.`);
    const resolved = await roots.resolveInside(attachment.path);
    if (!resolved.ok) throw new ContextFileError(`${attachment.label}: ${resolved.reason}.`);
    const document = await documentToContext(resolved.path, { signal, sourceName: attachment.label });
    resolvedAttachments.push({ ...attachment, text: document.context });
  }
  return resolvedAttachments;
}
