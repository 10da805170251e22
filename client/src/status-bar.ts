// One status bar item: model, backend and state, and whether agent commands are sandboxed (a
// shield when they are; the tooltip always says); a click opens the model picker.
import * as vscode from "vscode";
import { memoryReportLines, type StatusParams } from "../../server/src/protocol";
import { sandboxText } from "./agent/sandbox-text";

export class PincerStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("pincer.status", vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = "Pincer";
    this.item.command = "pincer.selectModel";
    this.show({ state: "loading", message: "Starting the Pincer server", trusted: vscode.workspace.isTrusted });
    this.item.show();
  }

  show(status: StatusParams): void {
    const model = status.model ?? "no model";
    const backend = `${status.backend ? ` · ${status.backend}` : ""}${status.remote?.length ? ` · remote: ${status.remote.join(", ")}` : ""}`;
    const restricted = `${status.trusted ? "" : " · restricted"}${status.commandSandbox && status.commandSandbox.kind !== "none" ? " $(shield)" : ""}`;
    const sandbox = status.commandSandbox ? sandboxText(status.commandSandbox) : undefined;
    switch (status.state) {
      case "loading":
        this.item.text = `$(loading~spin) Pincer: ${status.model ?? "starting"}${restricted}`;
        break;
      case "ready":
        this.item.text = `$(hubot) ${model}${backend}${restricted}`;
        break;
      case "busy":
        this.item.text = `$(sync~spin) ${model}${backend}${restricted}`;
        break;
      case "no-model":
        this.item.text = `$(hubot) Pincer: select a model${restricted}`;
        break;
      case "error":
        this.item.text = `$(error) Pincer: ${status.model ?? "error"}${restricted}`;
        break;
    }
    this.item.backgroundColor = status.state === "error" ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
    const lines = [
      `**Pincer** — ${status.state}`,
      status.model ? `Model: ${status.model}` : undefined,
      status.backend ? `Backend: ${status.backend}` : undefined,
      status.remote?.length ? `Remote engines (confirmed): ${status.remote.join(", ")}` : undefined,
      status.message,
      status.trusted ? undefined : "Restricted Mode: this workspace is not trusted, so only read-only features run (no agent, no terminal).",
      sandbox ? `Agent commands: ${sandbox.confined ? sandbox.label.replace(/, no network$/, "") : sandbox.label}. ${sandbox.detail}` : undefined,
      // Expected and measured memory of the model and each feature's window, one line each.
      status.memory ? memoryReportLines(status.memory).join("  \n") : undefined,
      "Click to choose a model.",
    ].filter((line): line is string => line !== undefined);
    this.item.tooltip = new vscode.MarkdownString(lines.join("\n\n"));
    this.item.accessibilityInformation = { label: `${lines.map((line) => line.replace(/\*\*/g, "").replace(/\.$/, "")).join(". ")}.` };
  }

  showStopped(reason: string): void {
    this.item.text = "$(error) Pincer: server stopped";
    this.item.tooltip = reason;
    this.item.accessibilityInformation = { label: `Pincer — server stopped. ${reason}` };
    this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
  }

  dispose(): void {
    this.item.dispose();
  }
}
