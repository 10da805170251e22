// One status bar item: model, backend and state, and whether agent commands are sandboxed (a
// shield when they are; the tooltip always says); a click opens the model picker.
import * as vscode from "vscode";
import { type StatusParams } from "../../server/src/protocol";
import { sandboxText } from "./agent/sandbox-text";
import { translateListed } from "./l10n";

export class PincerStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("pincer.status", vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = "Pincer";
    this.item.command = "pincer.selectModel";
    this.show({ state: "loading", message: vscode.l10n.t("Starting the Pincer server"), trusted: vscode.workspace.isTrusted });
    this.item.show();
  }

  show(status: StatusParams): void {
    const model = status.model ?? vscode.l10n.t("no model");
    const backend = `${status.backend ? ` · ${status.backend}` : ""}${status.remote?.length ? ` · ${vscode.l10n.t("remote: {0}", status.remote.join(", "))}` : ""}`;
    const restricted = `${status.trusted ? "" : ` · ${vscode.l10n.t("restricted")}`}${status.commandSandbox && status.commandSandbox.kind !== "none" ? " $(shield)" : ""}`;
    const sandbox = status.commandSandbox ? sandboxText(status.commandSandbox, false, translateListed) : undefined;
    const remoteOnly = status.state === "no-model" && status.remoteOnly?.length ? status.remoteOnly : undefined;
    switch (status.state) {
      case "loading":
        this.item.text = `$(loading~spin) Pincer: ${status.model ?? vscode.l10n.t("starting")}${restricted}`;
        break;
      case "ready":
        this.item.text = `$(hubot) ${model}${backend}${restricted}`;
        break;
      case "busy":
        this.item.text = `$(sync~spin) ${model}${backend}${restricted}`;
        break;
      case "no-model":
        // Every feature on a remote engine needs no local model: say where they go instead.
        this.item.text = remoteOnly
          ? `$(cloud) Pincer: ${vscode.l10n.t("remote: {0}", remoteOnly.join(", "))}${restricted}`
          : `$(hubot) Pincer: ${vscode.l10n.t("select a model")}${restricted}`;
        break;
      case "error":
        this.item.text = `$(error) Pincer: ${status.model ?? vscode.l10n.t("error")}${restricted}`;
        break;
    }
    this.item.backgroundColor = status.state === "error" ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
    const lines = [
      `**Pincer** — ${remoteOnly ? vscode.l10n.t("remote engines") : stateText(status.state)}`,
      status.model ? vscode.l10n.t("Model: {0}", status.model) : undefined,
      status.backend ? vscode.l10n.t("Backend: {0}", status.backend) : undefined,
      status.remote?.length ? vscode.l10n.t("Remote engines (confirmed): {0}", status.remote.join(", ")) : undefined,
      // The "no model" message asks for a model this setup does not need.
      remoteOnly ? vscode.l10n.t("Every feature uses a remote engine ({0}), so no local model is needed.", remoteOnly.join(", ")) : status.message,
      status.api?.url ? vscode.l10n.t("API (OpenAI-compatible): {0}; bearer token in {1}", status.api.url, status.api.tokenFile) : undefined,
      status.api?.error ? vscode.l10n.t("API not started: {0}", status.api.error) : undefined,
      status.trusted ? undefined : vscode.l10n.t("Restricted Mode: this workspace is not trusted, so only read-only features run (no agent, no terminal)."),
      sandbox ? vscode.l10n.t("Agent commands: {0}. {1}", sandbox.confined && status.commandSandbox ? vscode.l10n.t("Sandboxed ({0})", status.commandSandbox.kind) : sandbox.label, sandbox.detail) : undefined,
      // Expected and measured memory of the model and each feature's window, one line each (the server's
      // lines, in the display language the client told it).
      status.memoryLines?.length ? status.memoryLines.join("  \n") : undefined,
      vscode.l10n.t("Click to choose a model."),
    ].filter((line): line is string => line !== undefined);
    this.item.tooltip = new vscode.MarkdownString(lines.join("\n\n"));
    this.item.accessibilityInformation = { label: `${lines.map((line) => line.replace(/\*\*/g, "").replace(/\.$/, "")).join(". ")}.` };
  }

  showStopped(reason: string): void {
    this.item.text = `$(error) Pincer: ${vscode.l10n.t("server stopped")}`;
    this.item.tooltip = reason;
    this.item.accessibilityInformation = { label: `Pincer — ${vscode.l10n.t("server stopped")}. ${reason}` };
    this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** The state in the tooltip's title, in the display language. */
function stateText(state: StatusParams["state"]): string {
  switch (state) {
    case "loading":
      return vscode.l10n.t("loading");
    case "ready":
      return vscode.l10n.t("ready");
    case "busy":
      return vscode.l10n.t("busy");
    case "no-model":
      return vscode.l10n.t("no model");
    case "error":
      return vscode.l10n.t("error");
  }
}
