// Wires voice input: the "Pincer: Dictate" command over the DictationController; the chat view
// forwards its mic button here and receives the state and the transcript.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { DictationController, type DictationSink } from "./dictation";

export const DICTATE_COMMAND = "pincer.dictate";

export function registerVoice(client: LanguageClient, sink: DictationSink): { controller: DictationController; disposable: vscode.Disposable } {
  const controller = new DictationController(client, sink);
  const disposable = vscode.Disposable.from(
    controller,
    vscode.commands.registerCommand(DICTATE_COMMAND, () => controller.toggle().catch((error: Error) => void vscode.window.showErrorMessage(`Pincer: ${error.message}`))),
  );
  return { controller, disposable };
}
