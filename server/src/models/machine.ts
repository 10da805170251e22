// What this machine offers a model: RAM (os), and the GPU backend with its VRAM as node-llama-cpp reports
// them. Read fresh for every recommendation: free memory changes while VS Code runs.
import { readFileSync } from "node:fs";
import os from "node:os";
import { backendName } from "../engine/backend";
import type { MachineFacts } from "../protocol";

/** What this needs of node-llama-cpp's Llama (only engine/ imports the library). */
export interface GpuInfoSource {
  gpu: Parameters<typeof backendName>[0];
  getGpuDeviceNames(): Promise<string[]>;
  getVramState(): Promise<{ total: number; free: number }>;
}

export async function readMachineFacts(llama: GpuInfoSource | undefined): Promise<MachineFacts> {
  const facts: MachineFacts = {
    cpus: os.cpus().length,
    ramTotalBytes: os.totalmem(),
    ramFreeBytes: availableRamBytes(),
    backend: llama ? backendName(llama.gpu) : "CPU",
    gpuDevices: [],
  };
  if (llama && facts.backend !== "CPU") {
    facts.gpuDevices = await llama.getGpuDeviceNames().catch(() => []);
    const vram = await llama.getVramState().catch(() => undefined);
    if (vram) {
      facts.vramTotalBytes = vram.total;
      facts.vramFreeBytes = vram.free;
    }
  }
  return facts;
}

/**
 * RAM a new model can have. os.freemem() on Linux leaves out the page cache the kernel gives back on
 * demand, so it reads far too low on a machine that has been up a while: MemAvailable is the kernel's
 * own estimate of that.
 */
export function availableRamBytes(meminfo?: string): number {
  const text = meminfo ?? readMeminfo();
  const match = text?.match(/^MemAvailable:\s+(\d+)\s+kB/m);
  return match ? Number(match[1]) * 1024 : os.freemem();
}

function readMeminfo(): string | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    return readFileSync("/proc/meminfo", "utf8"); // a tiny procfs read

  } catch {
    return undefined;
  }
}
