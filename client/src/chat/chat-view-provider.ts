// The chat sidebar's webview: strict Content-Security-Policy (chat-csp.ts: nonce'd script, styles and fonts
// from the extension's dist/media only, images from there or data: URLs, nothing remote) and typed messages in both directions.
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";
import { chatCsp } from "./chat-csp";
import type { FromWebview, ToWebview } from "./webview-protocol";
import { L10N_ELEMENT_ID, WEBVIEW_STRINGS } from "./webview-strings";

export const CHAT_VIEW_ID = "pincer.chat";

export class ChatViewProvider implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private readonly queued: ToWebview[] = [];
  private readonly onMessage = new vscode.EventEmitter<FromWebview>();
  readonly onDidReceiveMessage = this.onMessage.event;

  constructor(private readonly extensionUri: vscode.Uri) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const media = vscode.Uri.joinPath(this.extensionUri, "dist", "media");
    view.webview.options = { enableScripts: true, localResourceRoots: [media] };
    view.webview.html = this.html(view.webview, media);
    view.webview.onDidReceiveMessage((message: FromWebview) => {
      if (message.type === "ready") {
        this.ready = true;
        for (const queued of this.queued.splice(0)) void view.webview.postMessage(queued);
      }
      this.onMessage.fire(message);
    });
    view.onDidDispose(() => {
      this.view = undefined;
      this.ready = false;
    });
  }

  /** Messages sent before the webview is ready are kept and delivered in order. */
  post(message: ToWebview): void {
    if (this.view && this.ready) void this.view.webview.postMessage(message);
    else if (message.type !== "chunk") this.queued.push(message);
  }

  get visible(): boolean {
    return this.view?.visible === true;
  }

  async reveal(): Promise<void> {
    if (this.view) this.view.show(false);
    else await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  }

  private html(webview: vscode.Webview, media: vscode.Uri): string {
    const nonce = randomBytes(16).toString("base64");
    const asset = (...parts: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(media, ...parts)).toString();
    const csp = chatCsp(webview.cspSource, nonce);
    return `<!DOCTYPE html>
<html lang="${escapeHtml(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset("codicons", "codicon.css")}">
<link rel="stylesheet" href="${asset("chat.css")}">
<title>Pincer Chat</title>
</head>
<body>
<script type="application/json" id="${L10N_ELEMENT_ID}">${webviewTranslations()}</script>
<script nonce="${nonce}" src="${asset("chat.js")}"></script>
</body>
</html>`;
  }
}

/** The display language's translations of the webview's strings, as JSON safe inside a <script> element. */
function webviewTranslations(): string {
  const bundle = vscode.l10n.bundle ?? {};
  const table = Object.fromEntries(WEBVIEW_STRINGS.flatMap((english) => (typeof bundle[english] === "string" ? [[english, bundle[english]]] : [])));
  return JSON.stringify(table).replace(/</g, "\\u003c");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
