// MCP in the editor: the approval of a workspace server (a modal naming exactly what would run),
// `${input:…}` values from SecretStorage (asked once), and the "MCP Servers…" quick pick: servers,
// state and tools, where choosing one turns it off or on again in `pincer.mcp.tools` (user settings).
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { McpApproveServerRequest, McpInputRequest, McpListRequest, type McpApproveServerParams, type McpApproveServerResult, type McpInputParams, type McpInputResult, type McpListResult } from "../../../server/src/protocol";

export function registerMcp(client: LanguageClient, secrets: vscode.SecretStorage): vscode.Disposable {
  return vscode.Disposable.from(
    client.onRequest(McpApproveServerRequest, (params: McpApproveServerParams) => approveServer(params)),
    client.onRequest(McpInputRequest, (params: McpInputParams) => input(params, secrets)),
    vscode.commands.registerCommand("pincer.mcp.servers", () => serversPick(client)),
  );
}

async function approveServer(params: McpApproveServerParams): Promise<McpApproveServerResult> {
  const { entry } = params;
  const none = vscode.l10n.t("none");
  const what =
    entry.transport === "http"
      ? `${vscode.l10n.t("URL: {0}", entry.url ?? "")}\n${vscode.l10n.t("Headers: {0}", (entry.headerNames ?? []).join(", ") || none)}`
      : `${vscode.l10n.t("Command: {0}", [entry.command, ...(entry.args ?? [])].join(" "))}\n${vscode.l10n.t("Environment: {0}", (entry.envNames ?? []).join(", ") || none)}${entry.cwd ? `\n${vscode.l10n.t("Folder: {0}", entry.cwd)}` : ""}`;
  const changed = params.changed ? `\n\n${vscode.l10n.t("Changed since you approved it: {0}.", params.changed.join(", "))}` : "";
  const start = vscode.l10n.t("Start Server");
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t("Start the MCP server \"{0}\" from this workspace's .vscode/mcp.json?", entry.name),
    { modal: true, detail: `${what}${changed}\n\n${vscode.l10n.t("It runs with your permissions. Approve only what you trust; any change asks again.")}` },
    start,
  );
  return { answer: answer === start ? "approve" : "deny" };
}

async function input(params: McpInputParams, secrets: vscode.SecretStorage): Promise<McpInputResult> {
  const key = `pincer.mcp.input.${params.id}`;
  const stored = await secrets.get(key);
  if (stored !== undefined) return { value: stored };
  const value = await vscode.window.showInputBox({ title: `Pincer MCP: ${params.id}`, prompt: params.description, password: params.password, ignoreFocusOut: true });
  if (value === undefined) return {};
  await secrets.store(key, value);
  return { value };
}

async function serversPick(client: LanguageClient): Promise<void> {
  const list: McpListResult = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Pincer: MCP servers…") }, () => client.sendRequest(McpListRequest, {}));
  type Item = vscode.QuickPickItem & { key?: string; off?: boolean };
  const rules = vscode.workspace.getConfiguration("pincer.mcp").get<Record<string, string>>("tools", {});
  const items: Item[] = list.servers.flatMap((server): Item[] => [
    { label: server.name, kind: vscode.QuickPickItemKind.Separator },
    { label: `$(server) ${server.name}`, description: `${server.source} · ${server.transport} · ${server.state}`, detail: server.detail ?? server.target, key: server.name, off: rules[server.name] === "off" },
    ...server.tools.map((tool) => ({ label: `${tool.enabled ? "$(check)" : "$(circle-slash)"} ${tool.name}`, description: tool.readOnlyHint ? vscode.l10n.t("read-only hint") : "", detail: tool.description, key: `${server.name}/${tool.name}`, off: !tool.enabled })),
  ]);
  if (items.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t("Pincer: no MCP servers configured (pincer.mcp.servers or .vscode/mcp.json)."));
    return;
  }
  const chosen = await vscode.window.showQuickPick(items, { title: vscode.l10n.t("Pincer: MCP servers and tools (choose one to turn it off or on)"), matchOnDetail: true });
  if (!chosen?.key) return;
  const next = { ...rules };
  if (chosen.off) delete next[chosen.key];
  else next[chosen.key] = "off";
  await vscode.workspace.getConfiguration("pincer.mcp").update("tools", next, vscode.ConfigurationTarget.Global);
}
