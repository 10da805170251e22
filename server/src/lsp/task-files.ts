// Language features for task files (language id `pincer-task`, `*.pincer.md`): diagnostics from the
// parser (unknown keys, bad values, unknown placeholders), completion of keys and placeholders, and
// hover docs. The rules live in tasks/; this file only maps offsets to LSP positions.
import { CompletionItemKind, DiagnosticSeverity, MarkupKind, type CompletionItem, type Connection, type Hover, type TextDocuments } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { TASK_LANGUAGE_ID } from "../protocol";
import { MAX_TASK_FILE_CHARS, parseTaskFile } from "../tasks/task-file";
import { TASK_KEYS, TASK_PLACEHOLDERS, keyDoc } from "../tasks/task-schema";
import { TASK_FILE_SUFFIX } from "../tasks/task-store";

export const TASK_COMPLETION_TRIGGERS = ["{"];

/** Diagnostics wait for a pause in typing, so a burst of keystrokes costs one parse, off the request path. */
export const DIAGNOSTICS_DELAY_MS = 100;

function isTaskDocument(document: TextDocument): boolean {
  return document.languageId === TASK_LANGUAGE_ID || document.uri.endsWith(TASK_FILE_SUFFIX);
}

/** Completion and hover need a parse; a file over the limit has none (its one diagnostic says why). */
function editableTask(document: TextDocument | undefined): document is TextDocument {
  return document !== undefined && isTaskDocument(document) && document.getText().length <= MAX_TASK_FILE_CHARS;
}

/** Registers the handlers; the returned function drops pending diagnostics (at shutdown the connection is going away). */
export function registerTaskFiles(connection: Connection, documents: TextDocuments<TextDocument>): () => void {
  const pending = new Map<string, NodeJS.Timeout>();
  const schedule = (document: TextDocument) => {
    if (!isTaskDocument(document)) return;
    clearTimeout(pending.get(document.uri));
    pending.set(
      document.uri,
      setTimeout(() => {
        pending.delete(document.uri);
        const latest = documents.get(document.uri);
        if (latest) publish(latest);
      }, DIAGNOSTICS_DELAY_MS),
    );
  };
  const publish = (document: TextDocument) => {
    const parsed = parseTaskFile(document.getText());
    void connection.sendDiagnostics({
      uri: document.uri,
      version: document.version,
      diagnostics: parsed.problems.map((p) => ({
        range: { start: document.positionAt(p.start), end: document.positionAt(p.end) },
        severity: p.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
        source: "pincer",
        message: p.message,
      })),
    });
  };
  documents.onDidOpen((e) => schedule(e.document));
  documents.onDidChangeContent((e) => schedule(e.document));
  documents.onDidClose((e) => {
    clearTimeout(pending.get(e.document.uri));
    pending.delete(e.document.uri);
    if (isTaskDocument(e.document)) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onCompletion((params): CompletionItem[] | null => {
    const document = documents.get(params.textDocument.uri);
    if (!editableTask(document)) return null;
    const text = document.getText();
    const offset = document.offsetAt(params.position);
    const parsed = parseTaskFile(text);
    const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
    const linePrefix = text.slice(lineStart, offset);
    const open = linePrefix.lastIndexOf("{{");
    if (open !== -1 && !linePrefix.slice(open).includes("}}") && offset >= parsed.bodyStart) {
      // Inside `{{`: offer the placeholders, each declared input by name.
      const typed = linePrefix.slice(open + 2);
      const start = document.positionAt(lineStart + open + 2);
      const inputs = inputNames(text);
      const names = ["selection", "file", ...inputs.map((n) => `input:${n}`)];
      return names.map((name) => ({
        label: `{{${name}}}`,
        kind: CompletionItemKind.Variable,
        filterText: name,
        documentation: { kind: MarkupKind.Markdown, value: TASK_PLACEHOLDERS.find((p) => name.startsWith(p.name))?.markdown ?? "" },
        textEdit: { range: { start, end: params.position }, newText: `${name}}}` },
        sortText: typed && name.startsWith(typed) ? `0${name}` : `1${name}`,
      }));
    }
    const inFrontMatter = parsed.frontMatter && offset >= parsed.frontMatter.start && offset <= parsed.frontMatter.end;
    const noFrontMatterYet = !parsed.frontMatter && /^---[ \t]*\r?\n/.test(text) && offset > 3;
    if ((inFrontMatter || noFrontMatterYet) && /^[A-Za-z]*$/.test(linePrefix)) {
      // Read the used keys leniently: the line being typed may leave the YAML unparseable.
      const front = text.slice(parsed.frontMatter?.start ?? 4, parsed.frontMatter?.end ?? text.length);
      const used = new Set([...front.matchAll(/^([A-Za-z]+)\s*:/gm)].map((m) => m[1]!));
      return TASK_KEYS.filter((k) => !used.has(k.key)).map((k) => ({
        label: k.key,
        kind: CompletionItemKind.Property,
        detail: k.summary,
        documentation: { kind: MarkupKind.Markdown, value: k.markdown },
        insertText: `${k.key}: ${k.snippet}`,
      }));
    }
    return null;
  });

  connection.onHover((params): Hover | null => {
    const document = documents.get(params.textDocument.uri);
    if (!editableTask(document)) return null;
    const offset = document.offsetAt(params.position);
    const parsed = parseTaskFile(document.getText());
    const range = (start: number, end: number) => ({ start: document.positionAt(start), end: document.positionAt(end) });
    const key = parsed.keys.find((k) => offset >= k.start && offset <= k.end);
    const doc = key && keyDoc(key.key);
    if (key && doc) return { contents: { kind: MarkupKind.Markdown, value: doc.markdown }, range: range(key.start, key.end) };
    const placeholder = parsed.placeholders.find((p) => offset >= p.start && offset <= p.end);
    if (placeholder) {
      const known = TASK_PLACEHOLDERS.find((p) => (p.name.endsWith(":") ? placeholder.name.startsWith(p.name) : placeholder.name === p.name));
      if (known) return { contents: { kind: MarkupKind.Markdown, value: known.markdown }, range: range(placeholder.start, placeholder.end) };
    }
    return null;
  });

  return () => {
    for (const timer of pending.values()) clearTimeout(timer);
    pending.clear();
  };
}

/** Declared inputs, read leniently so completion works while a key is half typed on some line. */
function inputNames(text: string): string[] {
  const parsed = parseTaskFile(text);
  if (parsed.task || !parsed.frontMatter) return parsed.task?.inputs.map((i) => i.name) ?? [];
  // Drop bare-word lines (a key being typed) and parse the rest.
  const front = text.slice(parsed.frontMatter.start, parsed.frontMatter.end);
  const lenient = front.split("\n").filter((line) => !/^[A-Za-z]*\s*$/.test(line)).join("\n");
  const retry = parseTaskFile(`---\n${lenient}\n---\n${text.slice(parsed.bodyStart)}`);
  return retry.task?.inputs.map((i) => i.name) ?? [];
}
