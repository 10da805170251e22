// "Pincer: Download Model…": pick the recommended model or enter a URI, agree to the download,
// and watch it in a cancellable progress notification. Nothing is fetched before the user agrees.
import { randomUUID } from "node:crypto";
import * as vscode from "vscode";
import { WorkDoneProgress, type LanguageClient, type WorkDoneProgressReport } from "vscode-languageclient/node";
import { DownloadModelRequest, RECOMMENDED_EMBEDDING_MODEL, RECOMMENDED_MODEL, type DownloadModelParams, type DownloadModelResult } from "../../../server/src/protocol";
import { setEmbeddingModelSetting, setModelSetting, setRoleSetting } from "../settings";

/** A download chosen elsewhere (the first-run choice): its size and memory for the consent, and the setting it fills. */
export interface DownloadPreset {
  uri: string;
  sizeText: string;
  role: "model" | "completion" | "embedding";
  sha256?: string;
}

/**
 * File names this window downloads or downloaded: their arrival in the models folder is that download, not an
 * offline install. Finished ones are kept too: the folder watch's notice can come after the download's answer.
 */
const inFlight = new Set<string>();
const downloaded = new Set<string>();

export function isOwnDownload(fileName: string): boolean {
  return inFlight.has(fileName.toLowerCase()) || downloaded.has(fileName.toLowerCase());
}

export async function downloadModelCommand(client: LanguageClient, preset?: string | DownloadPreset): Promise<void> {
  const chosen = typeof preset === "object" ? preset : undefined;
  const uri = chosen?.uri ?? (typeof preset === "string" ? preset : await chooseUri());
  if (!uri) return;
  const size = chosen
    ? ` (${chosen.sizeText})`
    : uri === RECOMMENDED_MODEL.uri
      ? vscode.l10n.t(" (about {0} GB)", (RECOMMENDED_MODEL.approximateBytes / 1e9).toFixed(1))
      : uri === RECOMMENDED_EMBEDDING_MODEL.uri
        ? vscode.l10n.t(" (about {0} MB, for codebase search)", Math.round(RECOMMENDED_EMBEDDING_MODEL.approximateBytes / 1e6))
        : "";
  const download = vscode.l10n.t("Download");
  const agreed = await vscode.window.showInformationMessage(
    vscode.l10n.t("Download {0}{1}? This is the only network connection Pincer makes; the model then runs entirely on this machine.", uri, size),
    { modal: true },
    download,
  );
  if (agreed !== download) return;
  const fileName = (uri.split("#")[0]!.split("/").at(-1) ?? uri).toLowerCase();
  inFlight.add(fileName);
  try {
    if (await runDownload(client, uri, chosen)) downloaded.add(fileName);
  } finally {
    inFlight.delete(fileName);
  }
}

/** Whether the file arrived. */
async function runDownload(client: LanguageClient, uri: string, chosen: DownloadPreset | undefined): Promise<boolean> {
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "Pincer", cancellable: true },
    async (progress, cancellation) => {
      const token = randomUUID();
      let last = 0;
      const listener = client.onProgress(WorkDoneProgress.type, token, (value) => {
        if (value.kind === "end") return;
        const percentage = (value as WorkDoneProgressReport).percentage ?? 0;
        progress.report({ message: `${value.kind === "begin" ? value.title : vscode.l10n.t("Downloading")} ${value.message ?? ""}`, increment: percentage - last });
        last = percentage;
      });
      try {
        const params: DownloadModelParams & { workDoneToken: string } = { uri, workDoneToken: token, ...(chosen?.sha256 ? { sha256: chosen.sha256 } : {}) };
        return await client.sendRequest(DownloadModelRequest, params, cancellation);
      } finally {
        listener.dispose();
      }
    },
  ).then(
    (value) => value,
    (error: Error) => {
      void vscode.window.showErrorMessage(`Pincer: ${error.message}`);
      return undefined;
    },
  );
  if (!result) return false;
  // The embedding model goes to the codebase index; any other download becomes the chat model.
  if (chosen) await setRoleSetting(chosen.role, uri);
  else if (uri === RECOMMENDED_EMBEDDING_MODEL.uri) await setEmbeddingModelSetting(uri);
  else await setModelSetting(uri);
  const note = result.verified === "unverified" ? vscode.l10n.t("no published checksum to compare with") : vscode.l10n.t("sha256 verified ({0})", result.verified);
  void vscode.window.showInformationMessage(vscode.l10n.t("Pincer: downloaded {0} — {1}.", result.path, note));
  return true;
}

async function chooseUri(): Promise<string | undefined> {
  const recommended = { label: `$(star) ${RECOMMENDED_MODEL.label}`, description: vscode.l10n.t("recommended"), uri: RECOMMENDED_MODEL.uri };
  const embedding = { label: `$(search) ${RECOMMENDED_EMBEDDING_MODEL.label}`, description: vscode.l10n.t("sets pincer.index.embeddingModel"), uri: RECOMMENDED_EMBEDDING_MODEL.uri };
  const other = { label: `$(link) ${vscode.l10n.t("Another model…")}`, description: vscode.l10n.t("hf:owner/repo/file.gguf or an https URL"), uri: "" };
  const pick = await vscode.window.showQuickPick([recommended, embedding, other], { title: vscode.l10n.t("Pincer: Download Model"), placeHolder: vscode.l10n.t("Which model?") });
  if (!pick) return undefined;
  if (pick.uri) return pick.uri;
  const entered = await vscode.window.showInputBox({
    title: vscode.l10n.t("Pincer: Download Model"),
    prompt: vscode.l10n.t("A GGUF file: hf:owner/repo/file.gguf or an https:// URL"),
    validateInput: (value) => (/^(hf:.+\.gguf|https:\/\/.+\.gguf)(#.*)?$/i.test(value.trim()) ? undefined : vscode.l10n.t("Enter hf:owner/repo/file.gguf or an https URL ending in .gguf")),
  });
  return entered?.trim() || undefined;
}
