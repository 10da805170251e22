// The façade of the first-run choice: gathers this machine's facts (RAM, GPU, VRAM), the speed basis
// (thread calibrations, else a memory probe) and the models folder, and judges the catalog with them.
// The LSP handler and `pincer models --recommended` both call this.
import { defaultCacheDir, threadCalibrationStore } from "../store/json-store";
import type { Messages } from "../platform/messages";
import type { RecommendedModelsResult } from "../protocol";
import { readMachineFacts, type GpuInfoSource } from "./machine";
import { listLocalModels } from "./models-dir";
import { recommendModels } from "./recommend";
import { basisFromCalibrations, basisFromProbe, probeMemoryBandwidth, type SpeedBasis } from "./speed-estimate";

export interface RecommendationOptions {
  /** The loaded backend, for the GPU and its VRAM; undefined: the CPU only. */
  llama: GpuInfoSource | undefined;
  modelsDir: string;
  cacheDir?: string;
  /** Bytes/s of the memory probe; measured once per process when not given (tests pass a figure). */
  probe?: () => number;
  /** The fit reasons' language (default: English). */
  messages?: Messages;
}

let probed: number | undefined;

export async function recommendedModels(options: RecommendationOptions): Promise<RecommendedModelsResult> {
  const machine = await readMachineFacts(options.llama);
  const calibrations = await threadCalibrationStore(options.cacheDir ?? defaultCacheDir()).all().catch(() => ({}));
  const cpu: SpeedBasis =
    basisFromCalibrations(calibrations, "CPU") ?? basisFromProbe(options.probe ? options.probe() : (probed ??= probeMemoryBandwidth()));
  const gpu = machine.backend === "CPU" ? undefined : basisFromCalibrations(calibrations, machine.backend);
  const local = await listLocalModels(options.modelsDir);
  return { machine, modelsDir: options.modelsDir, models: recommendModels({ machine, speed: { cpu, gpu }, local, messages: options.messages }) };
}
