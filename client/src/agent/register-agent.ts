// Wires the agent into the chat view and the commands Run Agent…, Stop Agent, Undo Agent Run and
// Show Agent Transcript (the last run of this window). In Restricted Mode the commands work but the
// server runs the agent read-only.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import type { ChatController } from "../chat/chat-controller";
import { AgentController } from "./agent-controller";

export function registerAgent(client: LanguageClient, chat: ChatController): vscode.Disposable {
  const agent = new AgentController(client, chat);
  chat.attachAgent(agent);
  const report = (work: (arg?: unknown) => Promise<void>) => (arg?: unknown) => work(arg).catch((error: Error) => void vscode.window.showErrorMessage(`Pincer: ${error.message}`));
  return vscode.Disposable.from(
    agent,
    vscode.commands.registerCommand(
      "pincer.agent.run",
      report(async (preset?: unknown) => {
        // The walkthrough passes its sample task; from the palette the person types one.
        const task = typeof preset === "string" ? preset : await vscode.window.showInputBox({
          title: vscode.l10n.t("Pincer: Run Agent"),
          prompt: vscode.workspace.isTrusted ? vscode.l10n.t("What should the agent do in this workspace?") : vscode.l10n.t("Restricted Mode: the agent can only read. What should it look into?"),
          placeHolder: vscode.l10n.t("e.g. rename the helper in utils.ts and update its callers"),
          ignoreFocusOut: true,
        });
        if (!task?.trim()) return;
        await chat.revealView();
        await chat.runAgent(task.trim());
      }),
    ),
    vscode.commands.registerCommand("pincer.agent.stop", () => agent.stop()),
    vscode.commands.registerCommand("pincer.agent.undoRun", report(() => agent.undo())),
    vscode.commands.registerCommand("pincer.agent.showTranscript", report(() => agent.showTranscript())),
  );
}
