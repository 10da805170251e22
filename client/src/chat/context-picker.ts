// The `@` picker: files, symbols of the active file (tree-sitter, on the server), the codebase
// index, MCP resources, the problems list, the git diff and the open editors.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import {
  ChatGitDiffRequest,
  ChatSymbolsRequest,
  CodebaseSearchRequest,
  McpResourcesRequest,
  OCR_FILE_PATTERN,
  type ChatGitDiffResult,
  type ChatSymbolsResult,
  type CodebaseSearchResponse,
  type McpResourcesResult,
} from "../../../server/src/protocol";
import { sourceFor, type ChipSource } from "./context-chips";

type Category = vscode.QuickPickItem & { pick(): Promise<ChipSource[]> };

export async function pickContext(client: LanguageClient): Promise<ChipSource[]> {
  const categories: Category[] = [
    { label: `$(file) ${vscode.l10n.t("Files…")}`, description: vscode.l10n.t("workspace files"), pick: pickFiles },
    { label: `$(symbol-function) ${vscode.l10n.t("Symbols…")}`, description: vscode.l10n.t("definitions in the active editor"), pick: () => pickSymbols(client) },
    { label: `$(search) ${vscode.l10n.t("Codebase…")}`, description: vscode.l10n.t("@codebase: the code that best matches a question (the index)"), pick: () => pickCodebase(client) },
    { label: `$(plug) ${vscode.l10n.t("MCP resources…")}`, description: vscode.l10n.t("data your MCP servers offer (read when you send)"), pick: () => pickMcpResources(client) },
    { label: `$(warning) ${vscode.l10n.t("Problems")}`, description: vscode.l10n.t("errors and warnings in the Problems panel"), pick: async () => [problems()] },
    { label: `$(git-compare) ${vscode.l10n.t("Git diff")}`, description: vscode.l10n.t("uncommitted changes"), pick: () => gitDiff(client) },
    { label: `$(files) ${vscode.l10n.t("Open editors")}`, description: vscode.l10n.t("every open text editor"), pick: async () => openEditors() },
  ];
  const category = await vscode.window.showQuickPick(categories, { title: vscode.l10n.t("Add context to the chat"), placeHolder: vscode.l10n.t("What should Pincer see?") });
  return category ? category.pick() : [];
}

async function pickFiles(): Promise<ChipSource[]> {
  const files = await vscode.workspace.findFiles("**/*", "**/{node_modules,.git,dist,out}/**", 5000);
  const items = files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri, false), uri })).sort((a, b) => a.label.localeCompare(b.label));
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t("Add files"), canPickMany: true, matchOnDescription: true });
  if (!picked) return [];
  return Promise.all(picked.map(async (item) => (OCR_FILE_PATTERN.test(item.uri.path) ? documentSource(item.uri) : sourceFor(await vscode.workspace.openTextDocument(item.uri)))));
}

/** An image or PDF: the server reads its text with OCR when the message is sent (or measured). */
export function documentSource(uri: vscode.Uri): ChipSource {
  return { kind: "document", label: vscode.workspace.asRelativePath(uri, false), path: uri.fsPath, read: () => "" };
}

/** @codebase: the top chunks of the codebase index for a question, with their paths, as one chip. */
async function pickCodebase(client: LanguageClient): Promise<ChipSource[]> {
  const query = await vscode.window.showInputBox({ title: "@codebase", prompt: vscode.l10n.t("What code are you looking for?"), placeHolder: vscode.l10n.t("e.g. where the settings file is read") });
  if (!query?.trim()) return [];
  const result: CodebaseSearchResponse = await client.sendRequest(CodebaseSearchRequest, { query: query.trim(), limit: 8 }).then(
    (r) => r as CodebaseSearchResponse,
    (error: Error) => {
      void vscode.window.showWarningMessage(`Pincer: ${error.message}`);
      return { hits: [], mode: "lexical", pendingEmbeddings: 0, tookMs: 0, status: { state: "error", files: 0, chunks: 0, embedded: 0, done: 0, total: 0 } };
    },
  );
  if (result.hits.length === 0) {
    void vscode.window.showInformationMessage(result.status.state === "indexing" ? vscode.l10n.t("Pincer: the codebase index has no match for \"{0}\" yet (indexing).", query.trim()) : vscode.l10n.t("Pincer: the codebase index has no match for \"{0}\".", query.trim()));
    return [];
  }
  const text = result.hits.map((h) => `${h.path}:${h.startLine}-${h.endLine}\n${h.text}`).join("\n\n");
  // The chip's text is what the model sees, so the token meter counts it like any attachment.
  return [{ kind: "codebase", label: `@codebase: ${query.trim()}`, read: () => text }];
}

/** Resources of the MCP servers that may run; the server reads the picked ones when the message is sent. */
async function pickMcpResources(client: LanguageClient): Promise<ChipSource[]> {
  const result = await client.sendRequest(McpResourcesRequest, {}).then(
    (r) => r as McpResourcesResult,
    (error: Error) => {
      void vscode.window.showWarningMessage(`Pincer: ${error.message}`);
      return { resources: [] } satisfies McpResourcesResult;
    },
  );
  if (result.resources.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t("Pincer: no running MCP server offers resources (workspace servers need approval first: Pincer: MCP Servers)."));
    return [];
  }
  const items = result.resources.map((r) => ({ label: r.name, description: `${r.server}${r.source === "workspace" ? " (workspace)" : ""}`, detail: r.description ? `${r.uri} · ${r.description}` : r.uri, resource: r }));
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t("Add MCP resources"), canPickMany: true, matchOnDescription: true, matchOnDetail: true });
  return (picked ?? []).map(({ resource }) => ({ kind: "mcp-resource", label: `${resource.server}: ${resource.name}`, server: resource.server, uri: resource.uri, read: () => "" }));
}

async function pickSymbols(client: LanguageClient): Promise<ChipSource[]> {
  const document = vscode.window.activeTextEditor?.document;
  if (!document) {
    void vscode.window.showInformationMessage(vscode.l10n.t("Pincer: open a file to pick its symbols."));
    return [];
  }
  const result: ChatSymbolsResult = await client.sendRequest(ChatSymbolsRequest, { languageId: document.languageId, text: document.getText() });
  if (!result.symbols) {
    void vscode.window.showInformationMessage(vscode.l10n.t("Pincer: no tree-sitter grammar for {0}.", document.languageId));
    return [];
  }
  const items = result.symbols.map((s) => ({
    label: s.name,
    description: `${s.kind}${s.container ? ` in ${s.container}` : ""} · line ${s.startLine + 1}`,
    range: new vscode.Range(s.startLine, 0, s.endLine, document.lineAt(Math.min(s.endLine, document.lineCount - 1)).text.length),
  }));
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t("Add symbols"), canPickMany: true, matchOnDescription: true });
  const name = vscode.workspace.asRelativePath(document.uri, false);
  return (picked ?? []).map((item) => ({ kind: "symbol", label: `${item.label} (${name})`, read: () => document.getText(item.range) }));
}

function problems(): ChipSource {
  return {
    kind: "problems",
    label: vscode.l10n.t("Problems"),
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
    void vscode.window.showInformationMessage(vscode.l10n.t("Pincer: there are no uncommitted changes."));
    return [];
  }
  return [{ kind: "git-diff", label: vscode.l10n.t("Git diff"), read: () => result.diffs.map((d) => result.diffs.length > 1 ? `# ${d.folder}\n${d.text}` : d.text).join("\n") }];
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
