// The `@` picker: files, symbols of the active file (tree-sitter, on the server), the problems
// list, the git diff and the open editors.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { ChatGitDiffRequest, ChatSymbolsRequest, OCR_FILE_PATTERN, type ChatGitDiffResult, type ChatSymbolsResult } from "../../../server/src/protocol";
import { sourceFor, type ChipSource } from "./context-chips";

type Category = vscode.QuickPickItem & { pick(): Promise<ChipSource[]> };

export async function pickContext(client: LanguageClient): Promise<ChipSource[]> {
  const categories: Category[] = [
    { label: "$(file) Files…", description: "workspace files", pick: pickFiles },
    { label: "$(symbol-function) Symbols…", description: "definitions in the active editor", pick: () => pickSymbols(client) },
    { label: "$(warning) Problems", description: "errors and warnings in the Problems panel", pick: async () => [problems()] },
    { label: "$(git-compare) Git diff", description: "uncommitted changes", pick: () => gitDiff(client) },
    { label: "$(files) Open editors", description: "every open text editor", pick: async () => openEditors() },
  ];
  const category = await vscode.window.showQuickPick(categories, { title: "Add context to the chat", placeHolder: "What should Pincer see?" });
  return category ? category.pick() : [];
}

async function pickFiles(): Promise<ChipSource[]> {
  const files = await vscode.workspace.findFiles("**/*", "**/{node_modules,.git,dist,out}/**", 5000);
  const items = files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri, false), uri })).sort((a, b) => a.label.localeCompare(b.label));
  const picked = await vscode.window.showQuickPick(items, { title: "Add files", canPickMany: true, matchOnDescription: true });
  if (!picked) return [];
  return Promise.all(picked.map(async (item) => (OCR_FILE_PATTERN.test(item.uri.path) ? documentSource(item.uri) : sourceFor(await vscode.workspace.openTextDocument(item.uri)))));
}

/** An image or PDF: the server reads its text with OCR when the message is sent (or measured). */
export function documentSource(uri: vscode.Uri): ChipSource {
  return { kind: "document", label: vscode.workspace.asRelativePath(uri, false), path: uri.fsPath, read: () => "" };
}

async function pickSymbols(client: LanguageClient): Promise<ChipSource[]> {
  const document = vscode.window.activeTextEditor?.document;
  if (!document) {
    void vscode.window.showInformationMessage("Pincer: open a file to pick its symbols.");
    return [];
  }
  const result: ChatSymbolsResult = await client.sendRequest(ChatSymbolsRequest, { languageId: document.languageId, text: document.getText() });
  if (!result.symbols) {
    void vscode.window.showInformationMessage(`Pincer: no tree-sitter grammar for ${document.languageId}.`);
    return [];
  }
  const items = result.symbols.map((s) => ({
    label: s.name,
    description: `${s.kind}${s.container ? ` in ${s.container}` : ""} · line ${s.startLine + 1}`,
    range: new vscode.Range(s.startLine, 0, s.endLine, document.lineAt(Math.min(s.endLine, document.lineCount - 1)).text.length),
  }));
  const picked = await vscode.window.showQuickPick(items, { title: "Add symbols", canPickMany: true, matchOnDescription: true });
  const name = vscode.workspace.asRelativePath(document.uri, false);
  return (picked ?? []).map((item) => ({ kind: "symbol", label: `${item.label} (${name})`, read: () => document.getText(item.range) }));
}

function problems(): ChipSource {
  return {
    kind: "problems",
    label: "Problems",
    read: () =>
      vscode.languages
        .getDiagnostics()
        .flatMap(([uri, diagnostics]) =>
          diagnostics
            .filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning)
            .map((d) => `${vscode.workspace.asRelativePath(uri, false)}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity === vscode.DiagnosticSeverity.Error ? "error" : "warning"}: ${d.message}`),
        )
        .join("\n") || "No errors or warnings.",
  };
}

async function gitDiff(client: LanguageClient): Promise<ChipSource[]> {
  const result: ChatGitDiffResult = await client.sendRequest(ChatGitDiffRequest, {});
  if (result.diffs.length === 0) {
    void vscode.window.showInformationMessage("Pincer: there are no uncommitted changes.");
    return [];
  }
  return [{ kind: "git-diff", label: "Git diff", read: () => result.diffs.map((d) => result.diffs.length > 1 ? `# ${d.folder}\n${d.text}` : d.text).join("\n") }];
}

function openEditors(): ChipSource[] {
  const documents = vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .map((tab) => (tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined))
    .filter((uri): uri is vscode.Uri => uri !== undefined);
  const unique = [...new Map(documents.map((uri) => [uri.toString(), uri])).values()];
  return unique.map((uri) => ({
    kind: "editors",
    label: vscode.workspace.asRelativePath(uri, false),
    read: async () => (await vscode.workspace.openTextDocument(uri)).getText(),
  }));
}
