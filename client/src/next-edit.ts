// Next-edit suggestions in the editor. VS Code's stable API (1.91, this extension's engine) shows an
// InlineCompletionItem only at the cursor; the inline-edit UI for a range elsewhere is proposed API.
// So the suggestion is a decoration: the lines it replaces are highlighted (and marked in the
// overview ruler) with the new text after them; Tab jumps there, Tab again accepts, Escape dismisses.
// One suggestion at a time; asked after a pause in the typing (nextEdit.debounceMs), and cancelled
// by the next keystroke. Tab is left to the suggest widget and ghost text while they are showing,
// and no suggestion is shown while the suggest widget is seen open (suggest-widget.ts says how far
// an extension can see it).
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { NextEditRequest, type NextEditResponse } from "../../server/src/protocol";
import { nextEditDebounceMs, nextEditEnabled } from "./settings";
import { onSuggestWidgetSeen, suggestWidgetSeenOpen } from "./suggest-widget";

export const NEXT_EDIT_CONTEXT = "pincer.nextEditVisible";
const PREVIEW_CHARS = 80;

interface Shown {
  editor: vscode.TextEditor;
  version: number;
  range: vscode.Range;
  newText: string;
}

export function registerNextEdit(client: Pick<LanguageClient, "sendRequest">): vscode.Disposable {
  const highlight = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor("diffEditor.removedLineBackground"),
    overviewRulerColor: new vscode.ThemeColor("editorOverviewRuler.modifiedForeground"),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
  const preview = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor("editorGhostText.foreground"), margin: "0 0 0 2em", fontStyle: "italic" },
  });
  let shown: Shown | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: vscode.CancellationTokenSource | undefined;

  const clear = () => {
    if (shown) {
      shown.editor.setDecorations(highlight, []);
      shown.editor.setDecorations(preview, []);
    }
    shown = undefined;
    void vscode.commands.executeCommand("setContext", NEXT_EDIT_CONTEXT, false);
  };
  const cancelPending = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    pending?.cancel();
    pending?.dispose();
    pending = undefined;
  };

  const ask = async (editor: vscode.TextEditor) => {
    const source = new vscode.CancellationTokenSource();
    pending = source;
    const document = editor.document;
    const position = editor.selection.active;
    const response: NextEditResponse | undefined = await client
      .sendRequest(NextEditRequest, { textDocument: { uri: document.uri.toString(), version: document.version }, position: { line: position.line, character: position.character } }, source.token)
      .catch(() => undefined);
    if (pending === source) pending = undefined;
    source.dispose();
    // A keystroke meanwhile, another editor, or no edit: nothing to show. Nor while IntelliSense is
    // open: the user is choosing a completion, and Tab is the widget's (suggest-widget.ts).
    if (!response?.edit || source.token.isCancellationRequested || response.version !== document.version || vscode.window.activeTextEditor !== editor) return;
    if (suggestWidgetSeenOpen(document)) return;
    const { start, end } = response.edit.range;
    show({ editor, version: document.version, range: new vscode.Range(start.line, start.character, end.line, end.character), newText: response.edit.newText });
  };

  const show = (next: Shown) => {
    clear();
    shown = next;
    const lastLine = next.editor.document.lineAt(Math.max(next.range.start.line, next.range.end.line - (next.range.end.character === 0 && next.range.end.line > next.range.start.line ? 1 : 0)));
    const text = next.newText === "" ? "(delete these lines)" : next.newText.replace(/\s*\n\s*/g, " ⏎ ");
    const label = `→ ${text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text}   Tab`;
    next.editor.setDecorations(highlight, [new vscode.Range(next.range.start.line, 0, lastLine.lineNumber, 0)]);
    next.editor.setDecorations(preview, [{ range: new vscode.Range(lastLine.range.end, lastLine.range.end), renderOptions: { after: { contentText: label } } }]);
    void vscode.commands.executeCommand("setContext", NEXT_EDIT_CONTEXT, true);
  };

  const acceptOrJump = async () => {
    const current = shown;
    if (!current) return;
    const editor = current.editor;
    if (editor.document.version !== current.version) return clear();
    const cursorLine = editor.selection.active.line;
    if (cursorLine < current.range.start.line || cursorLine > current.range.end.line) {
      // First Tab: go to the suggestion, so it is read before it is taken.
      editor.selection = new vscode.Selection(current.range.start, current.range.start);
      editor.revealRange(current.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      return;
    }
    clear();
    await editor.edit((builder) => builder.replace(current.range, current.newText));
  };

  const subscriptions = [
    highlight,
    preview,
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.contentChanges.length === 0) return;
      const editor = vscode.window.activeTextEditor;
      if (!editor || editor.document !== event.document) return;
      cancelPending();
      clear();
      if (!nextEditEnabled() || !["file", "untitled"].includes(event.document.uri.scheme)) return;
      timer = setTimeout(() => {
        timer = undefined;
        void ask(editor);
      }, nextEditDebounceMs());
    }),
    // IntelliSense opened over a suggestion (Ctrl+Space): the suggestion goes.
    onSuggestWidgetSeen((document) => {
      if (shown?.editor.document === document) clear();
    }),
    vscode.window.onDidChangeActiveTextEditor(() => {
      cancelPending();
      clear();
    }),
    vscode.commands.registerCommand("pincer.nextEdit.acceptOrJump", acceptOrJump),
    vscode.commands.registerCommand("pincer.nextEdit.dismiss", () => {
      cancelPending();
      clear();
    }),
  ];
  return vscode.Disposable.from(...subscriptions, { dispose: cancelPending });
}
