// pincer download / pincer models: the model manager from the command line.
import { downloadModel } from "../../models/download";
import { downloadUrl, parseModelSpec } from "../../models/model-spec";
import { sharedBackend } from "../../engine/engine";
import { formatBytes } from "../../engine/model-check";
import { listLocalModels, resolveModelsDir } from "../../models/models-dir";
import { recommendedModels } from "../../models/recommendations";
import type { RecommendedModel, RecommendedModelsResult } from "../../protocol";
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

/** pincer models --recommended: the first-run choice, judged for this machine (the JSON is RecommendedModelsResult). */
export async function recommended(settings: PincerSettings, json: boolean): Promise<number> {
  const llama = await sharedBackend(settings.gpu, () => undefined).then((b) => b.llama, () => undefined);
  const result = await recommendedModels({ llama, modelsDir: resolveModelsDir(settings.modelsDir) });
  process.stdout.write(json ? `${JSON.stringify(result)}\n` : formatRecommended(result));
  return EXIT_OK;
}

const FIT_TEXT: Record<RecommendedModel["fit"], string> = { gpu: "fits GPU", cpu: "fits RAM", tight: "tight", "too-large": "too large" };

export function formatRecommended(r: RecommendedModelsResult): string {
  const m = r.machine;
  const gpu = m.backend === "CPU" ? "no GPU backend" : `${m.backend}${m.gpuDevices.length ? ` (${m.gpuDevices.join(", ")})` : ""}, ${formatBytes(m.vramFreeBytes ?? 0)} of ${formatBytes(m.vramTotalBytes ?? 0)} VRAM free`;
  const lines = [`This machine: ${m.cpus} CPUs, ${formatBytes(m.ramFreeBytes)} of ${formatBytes(m.ramTotalBytes)} RAM available, ${gpu}`, ""];
  for (const x of r.models) {
    const speed = x.tokensPerSecond !== undefined ? `~${x.tokensPerSecond} tok/s (${x.speedSource})` : "";
    lines.push(
      `${x.recommended ? "*" : " "} ${x.id.padEnd(24)} ${x.role.padEnd(10)} ${formatBytes(x.sizeBytes).padStart(8)} download, ${formatBytes(x.expectedMemoryBytes).padStart(8)} memory  ${FIT_TEXT[x.fit].padEnd(9)} ${speed}${x.downloadedPath ? "  [downloaded]" : ""}`,
      `    ${x.uri}`,
    );
  }
  lines.push("", "* recommended for this machine. Download one with: pincer download URI", "");
  return lines.join("\n");
}
