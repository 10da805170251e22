// "Pincer: Select Model…": downloaded models, a file on disk, or a download.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { ListModelsRequest, RECOMMENDED_MODEL, type ListModelsResult } from "../../../server/src/protocol";
import { setModelSetting } from "../settings";
import { downloadModelCommand } from "./download-model";

type Choice = vscode.QuickPickItem & { action: "use" | "browse" | "download"; value?: string };

export async function selectModelCommand(client: LanguageClient): Promise<void> {
  const current = vscode.workspace.getConfiguration("pincer").get<string>("model", "");
  const listed = await client.sendRequest(ListModelsRequest, {}).catch(() => ({ modelsDir: "", models: [] }));
  const choices: Choice[] = listed.models.map((m) => ({
    label: m.name,
    description: `${(m.sizeBytes / 1e9).toFixed(2)} GB${m.path === current ? ` · ${vscode.l10n.t("current")}` : ""}`,
    detail: m.path,
    action: "use",
    value: m.path,
  }));
  if (choices.length > 0) choices.unshift({ label: vscode.l10n.t("Downloaded"), kind: vscode.QuickPickItemKind.Separator, action: "use" });
  choices.push(
    { label: "", kind: vscode.QuickPickItemKind.Separator, action: "use" },
    { label: `$(folder-opened) ${vscode.l10n.t("Choose a GGUF file…")}`, action: "browse" },
    { label: `$(cloud-download) ${vscode.l10n.t("Download {0}…", RECOMMENDED_MODEL.label)}`, action: "download", value: RECOMMENDED_MODEL.uri },
    { label: `$(cloud-download) ${vscode.l10n.t("Download another model…")}`, action: "download" },
  );
  const pick = await vscode.window.showQuickPick(choices, { title: vscode.l10n.t("Pincer: Select Model"), placeHolder: current ? vscode.l10n.t("Current: {0}", current) : vscode.l10n.t("No model selected yet") });
  if (!pick) return;
  if (pick.action === "use" && pick.value) return setModelSetting(pick.value);
  if (pick.action === "download") return downloadModelCommand(client, pick.value);
  const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { [vscode.l10n.t("GGUF models")]: ["gguf"] }, title: vscode.l10n.t("Choose a GGUF model") });
  if (files?.[0]) await setModelSetting(files[0].fsPath);
}
