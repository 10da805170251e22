// `pincer.codeAction.run`: what a Pincer code action does once picked. Explain opens the chat with
// the answer streaming; the others propose an edit for review (Refactor… asks what to do first).
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import type { CodeActionArgs } from "../../../server/src/protocol";
import { openChat } from "./open-chat";
import { proposeAndReview } from "./propose-edit";

const TITLES = { fix: "Fix this problem", document: "Add documentation comment", tests: "Generate tests", refactor: "Refactor" } as const;

export async function runCodeAction(client: LanguageClient, args: CodeActionArgs): Promise<void> {
  const uri = vscode.Uri.parse(args.uri);
  const range = new vscode.Range(args.range.start.line, args.range.start.character, args.range.end.line, args.range.end.character);
  if (args.action === "explain") {
    const prompt = args.diagnostic ? `Explain this problem and how to fix it: ${args.diagnostic.message}` : "Explain what this code does.";
    return openChat({ prompt, attachments: [{ uri, range }] });
  }
  let instruction: string | undefined;
  if (args.action === "refactor") {
    instruction = await vscode.window.showInputBox({ title: vscode.l10n.t("Pincer: Refactor"), prompt: vscode.l10n.t("What should happen to the selected code?"), placeHolder: vscode.l10n.t("e.g. extract the loop into a function"), ignoreFocusOut: true });
    if (!instruction?.trim()) return;
  }
  await proposeAndReview(client, { action: args.action, uri: args.uri, range: args.range, diagnostic: args.diagnostic, instruction }, TITLES[args.action]);
}
