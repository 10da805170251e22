// pincer doctor: what Pincer found on this machine, and what it thinks of the model.
import os from "node:os";
import { describeBackend } from "../../engine/backend";
import { sharedBackend } from "../../engine/engine";
import { errorText, type ModelFacts } from "../../engine/model-check";
import { resolveModelsDir } from "../../models/models-dir";
import { egressGuardInstalled } from "../../platform/egress-guard";
import { stderrLogger } from "../../platform/log";
import { memoryReportLines } from "../../platform/memory-report-lines";
import { messagesFor } from "../../platform/messages";
import { SERVER_VERSION, type EngineMemoryReport, type PincerSettings } from "../../protocol";
import type { ThreadChoice } from "../../engine/thread-policy";
import { loadEngineForCli } from "../load-engine";
import { EXIT_FAILURE, EXIT_OK } from "../usage";

export interface DoctorReport {
  pincer: string;
  node: string;
  platform: string;
  arch: string;
  cpus: number;
  memoryBytes: number;
  backend: string;
  gpuDevices: string[];
  cpuMathCores: number;
  modelsDir: string;
  egressGuard: boolean;
  model: (ModelFacts & { threads: ThreadChoice; gpuLayers: number; contextSize: number }) | null;
  modelError: string | null;
  /** The model's and each feature's window: node-llama-cpp's estimate and the measured growth of resident memory. */
  memory: EngineMemoryReport | null;
}

export async function doctor(settings: PincerSettings, json: boolean, signal: AbortSignal): Promise<number> {
  const { llama } = await sharedBackend(settings.gpu, stderrLogger("error"));
  const backend = await describeBackend(llama);
  const report: DoctorReport = {
    pincer: SERVER_VERSION,
    node: process.versions.node,
    platform: process.platform,
    arch: process.arch,
    cpus: os.cpus().length,
    memoryBytes: os.totalmem(),
    backend: backend.backend,
    gpuDevices: backend.gpuDevices,
    cpuMathCores: backend.cpuMathCores,
    modelsDir: resolveModelsDir(settings.modelsDir),
    egressGuard: egressGuardInstalled(),
    model: null,
    modelError: settings.model === "" ? "no model given (--model, $PINCER_MODEL or pincer.model)" : null,
    memory: null,
  };
  if (settings.model !== "") {
    try {
      const { host, engine } = await loadEngineForCli(settings, signal, { quiet: json });
      report.model = { ...engine.facts, threads: engine.threads, gpuLayers: engine.gpuLayers, contextSize: engine.contextSize };
      // Every feature's window is created here (the server creates each on first use), so what
      // each costs is measured, not only estimated.
      await engine.createContexts(signal);
      report.memory = engine.memoryReport();
      await host.dispose();
    } catch (error) {
      report.modelError = errorText(error);
    }
  }
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(formatDoctor(report));
  return report.modelError !== null && settings.model !== "" ? EXIT_FAILURE : EXIT_OK;
}

function formatDoctor(r: DoctorReport): string {
  const lines = [
    `Pincer ${r.pincer} on Node ${r.node} (${r.platform}-${r.arch}), ${r.cpus} CPUs, ${(r.memoryBytes / 2 ** 30).toFixed(1)} GiB`,
    `Backend: ${r.backend}${r.gpuDevices.length ? ` (${r.gpuDevices.join(", ")})` : r.backend === "CPU" ? " (no supported GPU found)" : ""}`,
    `CPU math cores: ${r.cpuMathCores}`,
    `Models folder: ${r.modelsDir}`,
    `Network: blocked except user-started model downloads (guard ${r.egressGuard ? "active" : "MISSING"})`,
  ];
  if (r.model) {
    const m = r.model;
    const measured = m.threads.measurements.map((x) => `${x.threads}t ${x.tokensPerSecond.toFixed(0)} tok/s`).join(", ");
    lines.push(
      `Model: ${m.path}`,
      `  ${m.architecture}${m.parameters ? ` ${m.parameters}` : ""}, ${(m.sizeBytes / 1e6).toFixed(1)} MB, ${m.layers} layers, trained context ${m.trainContextSize ?? "?"}`,
      `  chat template: ${m.hasChatTemplate ? "yes" : "no (general fallback)"}, fill-in-the-middle tokens: ${m.hasInfillTokens ? "yes" : "no"}`,
      `  GPU layers: ${m.gpuLayers}/${m.layers}, context: ${m.contextSize} tokens`,
      `  threads: ${m.threads.threads} (${m.threads.source}${measured ? `: ${measured}` : ""})`,
    );
  }
  // English like the rest of the report (it is what a bug report quotes).
  if (r.memory) lines.push(...memoryReportLines(r.memory, messagesFor("en")));
  if (r.modelError) lines.push(`Model: ${r.modelError}`);
  return `${lines.join("\n")}\n`;
}
