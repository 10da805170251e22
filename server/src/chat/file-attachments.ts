// Files named on the command line (`pincer chat --context FILE`) become attachments (images and
// PDFs as `document` attachments that are read with OCR), read through the workspace confinement
// so a path or symlink that leaves the workspace is refused.
import { PincerError } from "../platform/errors";
import { promises as fs } from "node:fs";
import type { WorkspaceRoots } from "../platform/workspace-paths";
import type { ChatAttachment } from "../protocol/chat";
import { OCR_FILE_PATTERN } from "../protocol/ocr";

/** A context file that cannot be used; the message names the file and the reason. */
export class ContextFileError extends PincerError {
  override name = "ContextFileError";
  constructor(message: string) {
    super(message, "invalid-params");
  }
}

const MAX_FILE_BYTES = 1024 * 1024;

export async function readFileAttachments(roots: WorkspaceRoots, files: readonly string[]): Promise<ChatAttachment[]> {
  const attachments: ChatAttachment[] = [];
  for (const file of files) {
    const resolved = await roots.resolveInside(file);
    if (!resolved.ok) throw new ContextFileError(`--context ${file}: ${resolved.reason}.`);
    const stat = await fs.stat(resolved.path);
    if (!stat.isFile()) throw new ContextFileError(`--context ${file}: not a file.`);
    const label = resolved.relative.split("\\").join("/") || file;
    // Images and PDFs are read with OCR when the message is sent (chat/document-attachments.ts).
    if (OCR_FILE_PATTERN.test(resolved.path)) {
      attachments.push({ kind: "document", label, text: "", path: resolved.path });
      continue;
    }
    if (stat.size > MAX_FILE_BYTES) throw new ContextFileError(`--context ${file}: larger than 1 MiB.`);
    const data = await fs.readFile(resolved.path);
    if (data.includes(0)) throw new ContextFileError(`--context ${file}: a binary file.`);
    attachments.push({ kind: "file", label, text: data.toString("utf8") });
  }
  return attachments;
}
