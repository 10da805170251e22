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

/** File names of downloads in flight: their arrival in the models folder is this download, not an offline install. */
const inFlight = new Set<string>();

export function isDownloading(fileName: string): boolean {
  return inFlight.has(fileName.toLowerCase());
}

export async function downloadModelCommand(client: LanguageClient, preset?: string | DownloadPreset): Promise<void> {
  const chosen = typeof preset === "object" ? preset : undefined;
  const uri = chosen?.uri ?? (typeof preset === "string" ? preset : await chooseUri());
  if (!uri) return;
  const size = chosen
    ? ` (${chosen.sizeText})`
    : uri === RECOMMENDED_MODEL.uri
      ? ` (about ${(RECOMMENDED_MODEL.approximateBytes / 1e9).toFixed(1)} GB)`
      : uri === RECOMMENDED_EMBEDDING_MODEL.uri
        ? ` (about ${Math.round(RECOMMENDED_EMBEDDING_MODEL.approximateBytes / 1e6)} MB, for codebase search)`
        : "";
  const agreed = await vscode.window.showInformationMessage(
    `Download ${uri}${size}? This is the only network connection Pincer makes; the model then runs entirely on this machine.`,
    { modal: true },
    "Download",
  );
  if (agreed !== "Download") return;
  const fileName = (uri.split("#")[0]!.split("/").at(-1) ?? uri).toLowerCase();
  inFlight.add(fileName);
  try {
    await runDownload(client, uri, chosen);
  } finally {
    inFlight.delete(fileName);
  }
}

async function runDownload(client: LanguageClient, uri: string, chosen: DownloadPreset | undefined): Promise<void> {
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "Pincer", cancellable: true },
    async (progress, cancellation) => {
      const token = randomUUID();
      let last = 0;
      const listener = client.onProgress(WorkDoneProgress.type, token, (value) => {
        if (value.kind === "end") return;
        const percentage = (value as WorkDoneProgressReport).percentage ?? 0;
        progress.report({ message: `${value.kind === "begin" ? value.title : "Downloading"} ${value.message ?? ""}`, increment: percentage - last });
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
  if (!result) return;
  // The embedding model goes to the codebase index; any other download becomes the chat model.
  if (chosen) await setRoleSetting(chosen.role, uri);
  else if (uri === RECOMMENDED_EMBEDDING_MODEL.uri) await setEmbeddingModelSetting(uri);
  else await setModelSetting(uri);
  const note = result.verified === "unverified" ? "no published checksum to compare with" : `sha256 verified (${result.verified})`;
  void vscode.window.showInformationMessage(`Pincer: downloaded ${result.path} — ${note}.`);
}

async function chooseUri(): Promise<string | undefined> {
  const recommended = { label: `$(star) ${RECOMMENDED_MODEL.label}`, description: "recommended", uri: RECOMMENDED_MODEL.uri };
  const embedding = { label: `$(search) ${RECOMMENDED_EMBEDDING_MODEL.label}`, description: "sets pincer.index.embeddingModel", uri: RECOMMENDED_EMBEDDING_MODEL.uri };
  const other = { label: "$(link) Another model…", description: "hf:owner/repo/file.gguf or an https URL", uri: "" };
  const pick = await vscode.window.showQuickPick([recommended, embedding, other], { title: "Pincer: Download Model", placeHolder: "Which model?" });
  if (!pick) return undefined;
  if (pick.uri) return pick.uri;
  const entered = await vscode.window.showInputBox({
    title: "Pincer: Download Model",
    prompt: "A GGUF file: hf:owner/repo/file.gguf or an https:// URL",
    validateInput: (value) => (/^(hf:.+\.gguf|https:\/\/.+\.gguf)(#.*)?$/i.test(value.trim()) ? undefined : "Enter hf:owner/repo/file.gguf or an https URL ending in .gguf"),
  });
  return entered?.trim() || undefined;
}
