// Chooses the compute backend. node-llama-cpp ships prebuilt binaries for CUDA, Vulkan, Metal and
// the CPU as npm packages; "auto" tries the GPU ones and falls back to the CPU, and we say which.
import os from "node:os";
import { getLlama, LlamaLogLevel, type Llama } from "node-llama-cpp";
import type { BackendName, GpuSetting } from "../protocol";

export interface BackendInfo {
  backend: BackendName;
  gpuDevices: string[];
  cpuMathCores: number;
  /** Total and free memory on the device that holds the weights (VRAM, or RAM on the CPU). */
  memory: { totalBytes: number; freeBytes: number };
}

export type EngineLogger = (level: "error" | "warn" | "info" | "debug", message: string) => void;

export async function loadBackend(gpu: GpuSetting, log: EngineLogger): Promise<{ llama: Llama; info: BackendInfo }> {
  const llama = await getLlama({
    gpu: gpu === "off" ? false : gpu,
    build: "never", // never compile or download at run time: only the shipped binaries
    progressLogs: false,
    maxThreads: 0, // the thread policy decides per context; node-llama-cpp must not cap it
    logLevel: LlamaLogLevel.warn,
    logger: (level, message) => {
      const text = message.trim();
      if (text === "") return;
      log(level === LlamaLogLevel.error || level === LlamaLogLevel.fatal ? "error" : level === LlamaLogLevel.warn ? "warn" : "debug", text);
    },
  });
  return { llama, info: await describeBackend(llama) };
}

export async function describeBackend(llama: Llama): Promise<BackendInfo> {
  const backend = backendName(llama.gpu);
  const gpuDevices = backend === "CPU" ? [] : await llama.getGpuDeviceNames().catch(() => []);
  const vram = backend === "CPU" ? undefined : await llama.getVramState();
  return {
    backend,
    gpuDevices,
    cpuMathCores: llama.cpuMathCores,
    memory: vram ? { totalBytes: vram.total, freeBytes: vram.free } : { totalBytes: os.totalmem(), freeBytes: os.freemem() },
  };
}

export function backendName(gpu: Llama["gpu"]): BackendName {
  switch (gpu) {
    case "cuda":
      return "CUDA";
    case "vulkan":
      return "Vulkan";
    case "metal":
      return "Metal";
    default:
      return "CPU";
  }
}
