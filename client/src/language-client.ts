// Starts the Pincer server as a Node process over IPC and keeps it alive: a crash restarts it,
// within a budget, after which the user gets the error and a "Show logs" button.
import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  TransportKind,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import type { PincerInitializationOptions } from "../../server/src/protocol";
import { inlineCompletionMiddleware } from "./inline-completion-middleware";
import { readSettings } from "./settings";
import { taskFileMiddleware } from "./task-file-middleware";

/** At most this many crash restarts within the window; then the user decides. */
export const RESTART_BUDGET = { restarts: 4, windowMs: 3 * 60_000 };

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, onGiveUp: (reason: string) => void): LanguageClient {
  const module = context.asAbsolutePath("dist/server/main.mjs");
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, args: ["serve"] },
    debug: { module, transport: TransportKind.ipc, args: ["serve"], options: { execArgv: ["--inspect=127.0.0.1:6011"] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Every file VS Code opens can get ghost text; the server decides what to offer.
    documentSelector: [{ scheme: "file" }, { scheme: "untitled" }],
    outputChannel: output,
    synchronize: { configurationSection: "pincer" },
    initializationOptions: (): PincerInitializationOptions => ({
      settings: readSettings(),
      trusted: vscode.workspace.isTrusted,
      storageDir: context.globalStorageUri.fsPath,
    }),
    errorHandler: new RestartBudget(output, onGiveUp),
    middleware: { ...inlineCompletionMiddleware, ...taskFileMiddleware },
  };
  return new LanguageClient("pincer", "Pincer", serverOptions, clientOptions);
}

class RestartBudget implements ErrorHandler {
  private readonly crashes: number[] = [];

  constructor(
    private readonly output: vscode.OutputChannel,
    private readonly onGiveUp: (reason: string) => void,
  ) {}

  error(): ErrorHandlerResult {
    return { action: ErrorAction.Continue };
  }

  closed(): CloseHandlerResult {
    const now = Date.now();
    this.crashes.push(now);
    while (this.crashes.length > 0 && now - this.crashes[0]! > RESTART_BUDGET.windowMs) this.crashes.shift();
    if (this.crashes.length <= RESTART_BUDGET.restarts) {
      this.output.appendLine(`[client] The Pincer server stopped unexpectedly; restarting (${this.crashes.length}/${RESTART_BUDGET.restarts}).`);
      return { action: CloseAction.Restart, handled: true };
    }
    const reason = vscode.l10n.t("The Pincer server stopped {0} times in {1} minutes and was not restarted.", this.crashes.length, RESTART_BUDGET.windowMs / 60_000);
    this.onGiveUp(reason);
    return { action: CloseAction.DoNotRestart, handled: true };
  }
}

export { State };
