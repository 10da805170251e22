// How fast a model not yet downloaded would generate here. Generating one token reads every weight once,
// so on a given machine tokens/s × model bytes is roughly constant (the memory bandwidth the engine gets).
// The thread calibration (engine/thread-policy.ts) measured real models on this machine: the best of those
// gives that constant, scaled to each candidate's size. Before any real model was calibrated, a short
// memory read test stands in, at the share of it llama.cpp's CPU kernels reached on the machine we measured
// (PROBE_EFFICIENCY, see ARCHITECTURE.md); the source is reported with the figure.
import os from "node:os";
import type { ThreadChoice } from "../engine/thread-policy";

/** Models smaller than this are dominated by per-token overhead, not weights: their speed says nothing. */
export const MIN_BASIS_BYTES = 50_000_000;
/** Generated tokens/s × model bytes ÷ the memory probe's bytes/s, as measured on a 2-vCPU EPYC (ARCHITECTURE.md). */
export const PROBE_EFFICIENCY = 0.5;

export interface SpeedBasis {
  /** Effective bytes of weights read per second while generating. */
  bytesPerSecond: number;
  source: "calibration" | "memory-probe";
}

const KEY = /^(.*)\|(\d+)\|(\d+)\|(CPU|CUDA|Vulkan|Metal)\|(.*)\|(\d+)(\|.*)?$/;

/**
 * The best calibration of a real model on this CPU with this backend. Keys are thread-policy's
 * calibrationKey: path|size|mtime|backend|cpu model|cores[|suffix].
 */
export function basisFromCalibrations(entries: Record<string, unknown>, backend: string, cpu = os.cpus()[0]?.model ?? "cpu", cores = os.cpus().length): SpeedBasis | undefined {
  let best = 0;
  for (const [key, value] of Object.entries(entries)) {
    const match = KEY.exec(key);
    if (!match || match[4] !== backend || match[5] !== cpu || Number(match[6]) !== cores) continue;
    const sizeBytes = Number(match[2]);
    if (sizeBytes < MIN_BASIS_BYTES) continue;
    const measurements = (value as Partial<ThreadChoice> | null)?.measurements;
    if (!Array.isArray(measurements)) continue;
    for (const m of measurements) {
      // Entries of earlier versions only have prompt and generation together, which overstates generation.
      const tps = m?.generationTokensPerSecond;
      if (typeof tps === "number" && Number.isFinite(tps) && tps > 0) best = Math.max(best, tps * sizeBytes);
    }
  }
  return best > 0 ? { bytesPerSecond: best, source: "calibration" } : undefined;
}

/** Reads a buffer of `bytes` a few times and keeps the fastest pass: bytes/s of one thread's reads. */
export function probeMemoryBandwidth(bytes = 128 * 2 ** 20, passes = 3): number {
  const words = new Float64Array(bytes / 8).fill(1);
  let best = Infinity;
  let sink = 0;
  for (let pass = 0; pass < passes; pass++) {
    const started = performance.now();
    let sum = 0;
    for (let i = 0; i < words.length; i += 1) sum += words[i]!;
    sink += sum;
    best = Math.min(best, performance.now() - started);
  }
  if (sink < 0) throw new Error("unreachable"); // keeps the loop from being optimized away
  return (bytes * 1000) / Math.max(best, 1e-3);
}

export function basisFromProbe(bytesPerSecond: number): SpeedBasis {
  return { bytesPerSecond: bytesPerSecond * PROBE_EFFICIENCY, source: "memory-probe" };
}

export function estimateTokensPerSecond(basis: SpeedBasis, modelBytes: number): number {
  return basis.bytesPerSecond / modelBytes;
}
