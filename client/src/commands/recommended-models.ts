// The first-run choice in VS Code: the models recommended for this machine (pincer/models/recommended),
// with download size, memory, fit and estimated speed; what does not fit is shown apart and refused.
// A choice goes through the same consent, progress and cancel as any download (download-model.ts).
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { RecommendedModelsRequest, type RecommendedModel, type RecommendedModelsResult } from "../../../server/src/protocol";
import { setRoleSetting } from "../settings";
import { downloadModelCommand } from "./download-model";

type Item = vscode.QuickPickItem & { model?: RecommendedModel };

export function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}

export function describeModel(m: RecommendedModel): string {
  const speed = m.tokensPerSecond !== undefined ? vscode.l10n.t(" · ~{0} tokens/s", m.tokensPerSecond) : "";
  return vscode.l10n.t("{0} download · needs {1}{2}", formatBytes(m.sizeBytes), formatBytes(m.expectedMemoryBytes), speed);
}

export async function fetchRecommended(client: LanguageClient): Promise<RecommendedModelsResult> {
  return client.sendRequest(RecommendedModelsRequest, {});
}

/** "Pincer: Choose a Model for This Machine…" */
export async function chooseRecommendedModel(client: LanguageClient): Promise<void> {
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t("Pincer: checking this machine") },
    () => fetchRecommended(client),
  );
  const m = result.machine;
  const machine =
    m.backend === "CPU"
      ? vscode.l10n.t("{0} CPUs, {1} of {2} RAM free, no GPU", m.cpus, formatBytes(m.ramFreeBytes), formatBytes(m.ramTotalBytes))
      : vscode.l10n.t("{0} CPUs, {1} of {2} RAM free, {3} with {4} free", m.cpus, formatBytes(m.ramFreeBytes), formatBytes(m.ramTotalBytes), m.backend, formatBytes(m.vramFreeBytes ?? 0));
  const item = (model: RecommendedModel): Item => ({
    label: `${model.fit === "too-large" ? "$(circle-slash)" : model.recommended ? "$(star-full)" : "$(cloud-download)"} ${model.label}`,
    description: `${describeModel(model)}${model.downloadedPath ? vscode.l10n.t(" · downloaded") : ""}`,
    detail: `${model.purpose}. ${model.fitReason}.`,
    model,
  });
  const fits = result.models.filter((x) => x.fit !== "too-large");
  const tooLarge = result.models.filter((x) => x.fit === "too-large");
  const items: Item[] = [
    ...fits.map(item),
    ...(tooLarge.length ? [{ label: vscode.l10n.t("Too large for this machine"), kind: vscode.QuickPickItemKind.Separator }, ...tooLarge.map(item)] : []),
  ];
  // ignoreFocusOut: the list is read slowly (sizes, memory, speed), and a view that takes focus while it loads
  // (the chat webview, the walkthrough) must not close it under the person's pointer.
  const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t("Pincer: Choose a Model ({0})", machine), matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true });
  if (pick?.model) await useRecommendedModel(client, pick.model);
}

/** The welcome view's buttons: one catalog id, judged again now (memory changes). */
export async function downloadRecommendedModel(client: LanguageClient, id: unknown): Promise<void> {
  const result = await fetchRecommended(client);
  const model = result.models.find((m) => m.id === id);
  if (!model) {
    void vscode.window.showErrorMessage(vscode.l10n.t("Pincer: no recommended model is called {0}.", String(id)));
    return;
  }
  await useRecommendedModel(client, model);
}

async function useRecommendedModel(client: LanguageClient, model: RecommendedModel): Promise<void> {
  if (model.fit === "too-large") {
    void vscode.window.showWarningMessage(vscode.l10n.t("Pincer: {0} does not fit this machine: it {1}. Choose a smaller model.", model.label, model.fitReason));
    return;
  }
  if (model.downloadedPath) {
    // Already here (downloaded before, or copied in by hand): no network at all.
    await setRoleSetting(model.role, model.downloadedPath);
    return;
  }
  if (model.fit === "tight") {
    const go = await vscode.window.showWarningMessage(vscode.l10n.t("Pincer: {0} is tight for this machine: it {1}. Download it anyway?", model.label, model.fitReason), { modal: true }, vscode.l10n.t("Continue"));
    if (!go) return;
  }
  await downloadModelCommand(client, { uri: model.uri, sizeText: describeModel(model), role: model.role, ...(model.sha256 ? { sha256: model.sha256 } : {}) });
}
