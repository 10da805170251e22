// Next-edit suggestions: after an edit, the related edit that likely follows (anywhere in the window
// around the last edit, not only at the cursor). The client asks after a pause in the typing; a newer
// request cancels the older one ($/cancelRequest too).
import { int, object, optional, position, str } from "./checks";
import { PincerRequest } from "./rpc";

export interface NextEditParams {
  textDocument: { uri: string; version?: number };
  /** The cursor: the editable window is around it. */
  position: { line: number; character: number };
}

/** What one request cost: prompt tokens (all, evaluated now, kept from the KV cache) and time. */
export interface NextEditStats {
  family: "zeta" | "sweep" | "generic";
  promptTokens: number;
  evaluatedPromptTokens: number;
  reusedTokens: number;
  generatedTokens: number;
  modelMs: number;
  totalMs: number;
}

export interface NextEditResponse {
  /** The suggested edit, for the document version given (stale once the document changes). */
  edit?: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string };
  /** The version of the document the edit is for. */
  version?: number;
  cancelled: boolean;
  /** Why there is no edit: disabled, no-model, no-edits, no-change, unparsed, too-long. */
  reason?: string;
  stats?: NextEditStats;
}

export const NextEditRequest = new PincerRequest<NextEditParams, NextEditResponse>(
  "pincer/nextEdit/suggest",
  object({ textDocument: object({ uri: str({ min: 1, max: 4096 }), version: optional(int(0, Number.MAX_SAFE_INTEGER)) }), position }),
);
