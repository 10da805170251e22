// pincer download / pincer models: the model manager from the command line.
import { downloadModel } from "../../models/download";
import { downloadUrl, parseModelSpec } from "../../models/model-spec";
import { listLocalModels, resolveModelsDir } from "../../models/models-dir";
import type { PincerSettings } from "../../protocol";
import { ProgressBar } from "../progress-bar";
import { EXIT_OK, UsageError } from "../usage";

export async function download(settings: PincerSettings, args: { uri: string; sha256?: string; json: boolean }, signal: AbortSignal): Promise<number> {
  const spec = parseModelSpec(args.uri);
  if (spec.kind !== "remote") throw new UsageError(`${args.uri} is not an hf: URI or an https URL.`);
  const bar = new ProgressBar(`Downloading ${spec.fileName}`);
  // Said at once: a slow or silent host is visible before its answer (or the timeout) comes.
  process.stderr.write(`Connecting to ${new URL(downloadUrl(spec)).host}…\n`);
  const result = await downloadModel({
    spec,
    modelsDir: resolveModelsDir(settings.modelsDir),
    sha256: args.sha256,
    signal,
    onProgress: ({ downloadedBytes, totalBytes }) =>
      bar.update(totalBytes > 0 ? downloadedBytes / totalBytes : 0, `${(downloadedBytes / 1e6).toFixed(0)}/${(totalBytes / 1e6).toFixed(0)} MB`),
  });
  bar.finish(`Saved ${result.path} (sha256 ${result.sha256}, ${result.verified === "unverified" ? "no published hash to verify against" : `verified: ${result.verified}`})`);
  if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  return EXIT_OK;
}

export async function models(settings: PincerSettings, json: boolean): Promise<number> {
  const modelsDir = resolveModelsDir(settings.modelsDir);
  const list = await listLocalModels(modelsDir);
  if (json) process.stdout.write(`${JSON.stringify({ modelsDir, models: list })}\n`);
  else {
    process.stdout.write(`${modelsDir}\n`);
    for (const m of list) process.stdout.write(`  ${m.name}  ${(m.sizeBytes / 1e6).toFixed(1)} MB\n`);
    if (list.length === 0) process.stdout.write("  (no models downloaded yet)\n");
  }
  return EXIT_OK;
}
