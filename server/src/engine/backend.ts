// Chooses the compute backend. node-llama-cpp ships prebuilt binaries for CUDA, Vulkan, Metal and
// the CPU as npm packages; "auto" tries the GPU ones and falls back to the CPU, and we say which.
import os from "node:os";
import { getLlama, LlamaLogLevel, type Llama } from "node-llama-cpp";
import type { BackendName, GpuSetting } from "../protocol";
import { routedNativeLogger, setNativeLogSink, type EngineLogger } from "./native-log";

export interface BackendInfo {
  backend: BackendName;
  gpuDevices: string[];
  cpuMathCores: number;
  /** Total and free memory on the device that holds the weights (VRAM, or RAM on the CPU). */
  memory: { totalBytes: number; freeBytes: number };
}

export type { EngineLogger };

/** `log` (when given) receives llama.cpp's lines from now on (native-log.ts). */
export async function loadBackend(gpu: GpuSetting, log: EngineLogger | undefined): Promise<{ llama: Llama; info: BackendInfo }> {
  if (log) setNativeLogSink(log);
  const llama = await getLlama({
    gpu: gpu === "off" ? false : gpu,
    build: "never", // never compile or download at run time: only the shipped binaries
    progressLogs: false,
    maxThreads: 0, // the thread policy decides per context; node-llama-cpp must not cap it
    logLevel: LlamaLogLevel.warn,
    logger: routedNativeLogger,
  });
  return { llama, info: await describeBackend(llama) };
}

const backends = new Map<GpuSetting, Promise<{ llama: Llama; info: BackendInfo }>>();

/** The backend is loaded once per process and GPU setting, and shared by every model load. */
export function sharedBackend(gpu: GpuSetting, log: EngineLogger | undefined): Promise<{ llama: Llama; info: BackendInfo }> {
  let backend = backends.get(gpu);
  if (!backend) {
    backend = loadBackend(gpu, log);
    backends.set(gpu, backend);
    backend.catch(() => backends.delete(gpu));
  }
  return backend;
}

/**
 * A backend to read a model header with (after a download): one already loaded, whatever its GPU
 * setting, else the "auto" one. A second Llama on the same binary would leave llama.cpp's lines
 * printed raw (node-llama-cpp 3.22: the released logger's finalizer clears the new one's flag).
 */
export async function backendForInspection(): Promise<Llama> {
  const loaded = backends.values().next().value;
  return (await (loaded ?? sharedBackend("auto", undefined))).llama;
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
