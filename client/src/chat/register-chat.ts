// Wires the chat: the sidebar view, the history key, and the commands New Chat, Open Chat History
// and pincer.chat.ask (the contract other features use to ask in the chat).
import * as vscode from "vscode";
import { State, type LanguageClient } from "vscode-languageclient/node";
import { registerAgent } from "../agent/register-agent";
import { CHAT_ASK_COMMAND, type ChatAskArgs } from "./ask-args";
import { ChatController } from "./chat-controller";
import { openChatStore } from "./chat-store-key";
import { CHAT_VIEW_ID, ChatViewProvider } from "./chat-view-provider";
import { sourceFor } from "./context-chips";
import { showChatHistory } from "./history-picker";
import { DICTATE_COMMAND, registerVoice } from "../voice/register-voice";

export function registerChat(context: vscode.ExtensionContext, client: LanguageClient): vscode.Disposable {
  const view = new ChatViewProvider(context.extensionUri);
  // The server forgets the key when it restarts; open the store again on each start.
  let storeOpened: Promise<void> | undefined;
  const ensureStore = () => {
    storeOpened ??= openChatStore(context, client).catch((error: Error) => {
      storeOpened = undefined;
      throw error;
    });
    return storeOpened;
  };
  const controller = new ChatController(client, view, ensureStore);
  const history = () => showChatHistory(client, controller, ensureStore).catch((error: Error) => void vscode.window.showErrorMessage(`Pincer: ${error.message}`));

  const ask = async (args: ChatAskArgs) => {
    if (!args || typeof args.prompt !== "string") throw new Error(`${CHAT_ASK_COMMAND} needs a prompt.`);
    await view.reveal();
    if (args.newConversation) controller.newChat();
    for (const attachment of args.attachments ?? []) {
      const document = await vscode.workspace.openTextDocument(attachment.uri);
      controller.chips.add(sourceFor(document, attachment.range));
    }
    await controller.send(args.prompt);
  };

  // Voice input shows its state on the mic button and adds the transcript to the prompt, unsent.
  const voice = registerVoice(client, {
    phase: (phase, level) => view.post({ type: "voice", phase, level }),
    transcript: async (text) => {
      await view.reveal();
      view.post({ type: "insert-prompt", text });
    },
  });

  return vscode.Disposable.from(
    controller,
    voice.disposable,
    view.onDidReceiveMessage((message) => {
      if (message.type === "dictate") void vscode.commands.executeCommand(DICTATE_COMMAND);
    }),
    registerAgent(client, controller),
    // Kept alive while hidden: an answer that streams while another side bar view shows is there,
    // still streaming, the moment the chat is revealed (instead of a reload that drops the chunks
    // sent meanwhile and re-renders the whole transcript).
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, view, { webviewOptions: { retainContextWhenHidden: true } }),
    client.onDidChangeState((event) => {
      if (event.newState !== State.Running) storeOpened = undefined;
    }),
    vscode.commands.registerCommand("pincer.chat.new", async () => {
      await view.reveal();
      controller.newChat();
      view.post({ type: "focus" });
    }),
    vscode.commands.registerCommand("pincer.chat.history", history),
    vscode.commands.registerCommand("pincer.chat.stop", () => controller.stop()),
    vscode.commands.registerCommand(CHAT_ASK_COMMAND, (args: ChatAskArgs) =>
      ask(args).catch((error: Error) => void vscode.window.showErrorMessage(`Pincer: ${error.message}`)),
    ),
  );
}
