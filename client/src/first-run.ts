// First run: the context keys the walkthrough and the welcome view read, and their small commands. The
// welcome (viewsWelcome on the `pincer.setup` view, shown while no model is set) offers the models that
// fit this machine as buttons; which ones fit comes from pincer/models/recommended, as context keys.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { ListModelsRequest, ModelsChangedNotification, type ListModelsResult } from "../../server/src/protocol";
import { isOwnDownload } from "./commands/download-model";
import { chooseRecommendedModel, downloadRecommendedModel, fetchRecommended } from "./commands/recommended-models";
import { setModelSetting } from "./settings";
import { onStatus } from "./status-events";

/** The welcome view's three chat-model buttons, by catalog id (context keys cannot hold the ids' dots). */
export const WELCOME_SLOTS = { small: "qwen2.5-coder-0.5b", medium: "qwen2.5-coder-1.5b", large: "qwen2.5-coder-7b" } as const;

export function setContextKey(key: string, value: unknown): void {
  void vscode.commands.executeCommand("setContext", key, value);
}

const SAMPLE = `// Pincer completes code as you type. Put the cursor at the end of the last line and wait for the
// grey suggestion; Tab accepts it.
function isPalindrome(text: string): boolean {
  const letters = text.toLowerCase().replace(/[^a-z]/g, "");
  `;

export function registerFirstRun(client: LanguageClient): vscode.Disposable {
  let noModel = false;
  let known = new Set<string>();

  const refreshFit = async (): Promise<void> => {
    const result = await fetchRecommended(client).catch(() => undefined);
    if (!result) return;
    for (const [slot, id] of Object.entries(WELCOME_SLOTS)) {
      const model = result.models.find((m) => m.id === id);
      setContextKey(`pincer.firstRun.fit.${slot}`, model?.fit ?? "too-large");
    }
    const recommended = result.models.find((m) => m.role === "model" && m.recommended);
    const slot = Object.entries(WELCOME_SLOTS).find(([, id]) => id === recommended?.id)?.[0];
    setContextKey("pincer.firstRun.recommended", slot ?? "");
  };

  const modelsChanged = (list: ListModelsResult, announce: boolean): void => {
    setContextKey("pincer.hasLocalModels", list.models.length > 0);
    const fresh = list.models.filter((m) => !known.has(m.path) && !isOwnDownload(`${m.name}.gguf`));
    known = new Set(list.models.map((m) => m.path));
    // A file copied into the models folder while no model is set: offer it at once (offline install).
    if (announce && noModel && fresh.length === 1) {
      const [model] = fresh;
      const use = vscode.l10n.t("Use it");
      void vscode.window.showInformationMessage(vscode.l10n.t("Pincer: {0} appeared in the models folder.", model!.name), use).then((action) => {
        if (action === use) void setModelSetting(model!.path);
      });
    }
    void refreshFit();
  };

  return vscode.Disposable.from(
    client.onNotification(ModelsChangedNotification, (list: ListModelsResult) => modelsChanged(list, true)),
    vscode.commands.registerCommand("pincer.chooseRecommendedModel", () => report(chooseRecommendedModel(client))),
    vscode.commands.registerCommand("pincer.downloadRecommendedModel", (id: unknown) => report(downloadRecommendedModel(client, id))),
    vscode.commands.registerCommand("pincer.useModelFile", async () => {
      const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { [vscode.l10n.t("GGUF models")]: ["gguf"] }, title: vscode.l10n.t("Choose a GGUF model") });
      if (files?.[0]) await setModelSetting(files[0].fsPath);
    }),
    vscode.commands.registerCommand("pincer.useRemoteEndpoint", () => vscode.commands.executeCommand("workbench.action.openSettings", "pincer.remote")),
    vscode.commands.registerCommand("pincer.walkthrough.openSample", async () => {
      const document = await vscode.workspace.openTextDocument({ language: "typescript", content: SAMPLE });
      const editor = await vscode.window.showTextDocument(document);
      const end = document.lineAt(document.lineCount - 1).range.end;
      editor.selection = new vscode.Selection(end, end);
      await vscode.commands.executeCommand("editor.action.inlineSuggest.trigger");
    }),
    vscode.window.registerTreeDataProvider("pincer.setup", new EmptyTreeProvider()),
    onStatus((status) => {
      const wasNoModel = noModel;
      noModel = status.state === "no-model";
      setContextKey("pincer.noModel", noModel);
      setContextKey("pincer.modelReady", status.state === "ready" || status.state === "busy");
      if (noModel && !wasNoModel) {
        void client.sendRequest(ListModelsRequest, {}).then((list) => modelsChanged(list, false), () => undefined);
      }
    }),
  );
}

function report(work: Promise<void>): Promise<void> {
  return work.catch((error: Error) => void vscode.window.showErrorMessage(`Pincer: ${error.message}`));
}

/** The setup view is only a host for its welcome content: it has no items of its own. */
export class EmptyTreeProvider implements vscode.TreeDataProvider<never> {
  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }
  getChildren(): never[] {
    return [];
  }
}
