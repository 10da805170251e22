// MCP resources attached to a chat message (`@` picker): read from their server when the message is
// sent or measured, never taken from the client's text, and marked as the server's untrusted data and
// capped exactly like an MCP tool result (mcp/mcp-text.ts, applied by the reader).
import { isAbortError } from "../platform/errors";
import type { ChatAttachment } from "../protocol/chat";
import { ContextFileError } from "./file-attachments";

/** Reads one resource of a named server as the model sees it (marked and capped); McpHub.readResource in the hosts. */
export type McpResourceReader = (server: string, uri: string, signal: AbortSignal) => Promise<string>;

/** Fills in the text of every `mcp-resource` attachment; others pass through. */
export async function resolveMcpAttachments(attachments: readonly ChatAttachment[], read: McpResourceReader | undefined, signal: AbortSignal): Promise<ChatAttachment[]> {
  const resolved: ChatAttachment[] = [];
  for (const attachment of attachments) {
    if (attachment.kind !== "mcp-resource") {
      resolved.push(attachment);
      continue;
    }
    if (!attachment.server || !attachment.uri) throw new ContextFileError(`${attachment.label}: the attachment names no MCP server and resource.`);
    if (!read) throw new ContextFileError(`${attachment.label}: MCP resources cannot be read here.`);
    try {
      resolved.push({ ...attachment, text: await read(attachment.server, attachment.uri, signal) });
    } catch (error) {
      if (isAbortError(error) || signal.aborted) throw error;
      throw new ContextFileError(`${attachment.label}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return resolved;
}
