// The context chips of the next message: the active editor's file or selection is offered, the `@`
// picker and pincer.chat.ask add more. Text is read when the message is sent, so it is current.
import * as vscode from "vscode";
import type { AttachmentKind, ChatAttachment } from "../../../server/src/protocol";
import type { ChipView } from "./webview-protocol";

export interface ChipSource {
  kind: AttachmentKind;
  label: string;
  /** Produces the text the model sees (empty for a `document` or `mcp-resource`: the server reads it). */
  read(): Promise<string> | string;
  /** For a `document` (image or PDF): the file the server reads. */
  path?: string;
  /** For an `mcp-resource`: the MCP server and resource URI the server reads at send time. */
  server?: string;
  uri?: string;
}

interface Chip extends ChipSource {
  id: string;
}

let nextId = 0;

export class ContextChips {
  private chips: Chip[] = [];
  private suggestion: Chip | undefined;
  /** `attached`: the chips that go with the message changed (not just the offered one). */
  private readonly changed = new vscode.EventEmitter<{ attached: boolean }>();
  readonly onDidChange = this.changed.event;

  add(source: ChipSource): void {
    if (this.chips.some((c) => c.kind === source.kind && c.label === source.label)) return;
    this.chips.push({ ...source, id: `chip-${++nextId}` });
    this.changed.fire({ attached: true });
  }

  remove(id: string): void {
    this.chips = this.chips.filter((c) => c.id !== id);
    this.changed.fire({ attached: true });
  }

  /** Takes the offered chip (the active file or selection) into the context. */
  acceptSuggestion(id: string): void {
    if (this.suggestion?.id === id) this.add(this.suggestion);
  }

  clear(): void {
    this.chips = [];
    this.changed.fire({ attached: true });
  }

  /** Offers the active editor's selection, or its file when nothing is selected. */
  suggestFrom(editor: vscode.TextEditor | undefined): void {
    // Only real files and untitled buffers: not the diff review's proposal, output channels or git views.
    const offered = editor && (editor.document.uri.scheme === "file" || editor.document.uri.scheme === "untitled");
    const source = offered ? sourceFor(editor.document, editor.selection.isEmpty ? undefined : editor.selection) : undefined;
    const same = source?.kind === this.suggestion?.kind && source?.label === this.suggestion?.label;
    // Cursor moves fire often; the view hears only of a different offer.
    this.suggestion = source ? { ...source, id: same && this.suggestion ? this.suggestion.id : `suggested-${++nextId}` } : undefined;
    if (!same) this.changed.fire({ attached: false });
  }

  views(): ChipView[] {
    const added: ChipView[] = this.chips.map((c) => ({ id: c.id, kind: c.kind, label: c.label, suggested: false }));
    const s = this.suggestion;
    if (s && !this.chips.some((c) => c.kind === s.kind && c.label === s.label)) added.push({ id: s.id, kind: s.kind, label: s.label, suggested: true });
    return added;
  }

  async attachments(): Promise<ChatAttachment[]> {
    return Promise.all(this.chips.map(async (c) => ({ kind: c.kind, label: c.label, text: await c.read(), ...(c.path ? { path: c.path } : {}), ...(c.server ? { server: c.server } : {}), ...(c.uri ? { uri: c.uri } : {}) })));
  }
}

/** A chip for a whole document or a range of it. */
export function sourceFor(document: vscode.TextDocument, range?: vscode.Range): ChipSource {
  const name = vscode.workspace.asRelativePath(document.uri, false);
  if (range && !range.isEmpty) {
    // Whole lines selected end at column 1 of the next line, which is not part of the selection.
    const lastLine = range.end.character === 0 && range.end.line > range.start.line ? range.end.line : range.end.line + 1;
    return { kind: "selection", label: `${name}:${range.start.line + 1}-${lastLine}`, read: () => document.getText(range) };
  }
  return { kind: "file", label: name, read: () => document.getText() };
}
