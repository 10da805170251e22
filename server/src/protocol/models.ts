// The model manager behind the client's pickers: the downloaded models, and a download the person
// chose and agreed to (progress through workDoneProgress, cancel with $/cancelRequest).
import { object, optional, str, workDoneToken } from "./checks";
import { PincerRequest, PincerRequest0, ServerNotification } from "./rpc";
import type { BackendName } from "./server";

/** Client → server: download a model the user chose and agreed to. Reports through workDoneProgress. */
export interface DownloadModelParams {
  uri: string;
  /** Expected sha256 (hex); when absent the server uses the hash the hub publishes, if any. */
  sha256?: string;
  workDoneToken?: string | number;
}
export interface DownloadModelResult {
  path: string;
  sha256: string;
  verified: "pinned" | "hub" | "unverified";
}
export const DownloadModelRequest = new PincerRequest<DownloadModelParams, DownloadModelResult>(
  "pincer/models/download",
  object({ uri: str({ min: 1, max: 4096 }), sha256: optional(str({ pattern: /^[0-9a-fA-F]{64}$/, patternText: "64 hexadecimal digits" })), workDoneToken }),
);

export interface LocalModel {
  path: string;
  name: string;
  sizeBytes: number;
}
export interface ListModelsResult {
  modelsDir: string;
  models: LocalModel[];
}
export const ListModelsRequest = new PincerRequest0<ListModelsResult>("pincer/models/list");

/** The embedding model offered for codebase search; downloaded only after the user agrees (sha256 from the hub). */
export const RECOMMENDED_EMBEDDING_MODEL = {
  label: "nomic-embed-text v1.5 (Q8_0, about 146 MB) for codebase search",
  uri: "hf:nomic-ai/nomic-embed-text-v1.5-GGUF/nomic-embed-text-v1.5.Q8_0.gguf",
  approximateBytes: 146_000_000,
} as const;

/** Default model offered on first run; downloaded only after the user agrees. */
export const RECOMMENDED_MODEL = {
  label: "Qwen2.5-Coder 1.5B Instruct (Q4_K_M, about 1.1 GB)",
  uri: "hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
  approximateBytes: 1_120_000_000,
} as const;

/** Server → client: the models folder changed (a file was dropped in, downloaded or removed). */
export const ModelsChangedNotification = new ServerNotification<ListModelsResult>("pincer/models/changed");

/** What the recommendation knows about this machine. */
export interface MachineFacts {
  cpus: number;
  ramTotalBytes: number;
  ramFreeBytes: number;
  backend: BackendName;
  gpuDevices: string[];
  /** VRAM of the GPU backend; absent on the CPU. */
  vramTotalBytes?: number;
  vramFreeBytes?: number;
}

/**
 * Where a model would run: `gpu` (fits the free VRAM), `cpu` (fits the RAM free now), `tight` (fits this
 * machine's RAM, not what is free now: close programs first), `too-large` (does not fit: greyed out).
 */
export type ModelFit = "gpu" | "cpu" | "tight" | "too-large";

export interface RecommendedModel {
  id: string;
  label: string;
  /** The setting a download fills: pincer.model, pincer.completion.model, pincer.index.embeddingModel. */
  role: "model" | "completion" | "embedding";
  uri: string;
  purpose: string;
  sizeBytes: number;
  sha256?: string;
  expectedMemoryBytes: number;
  fit: ModelFit;
  /** One sentence: why it fits or not, with the numbers. */
  fitReason: string;
  /** Estimated generated tokens per second on this machine; absent when there is nothing to estimate from. */
  tokensPerSecond?: number;
  /** `calibration`: scaled from a model measured on this machine; `memory-probe`: from a memory read test. */
  speedSource?: "calibration" | "memory-probe";
  /** The best choice of its role for this machine. */
  recommended: boolean;
  /** Already in the models folder: its path. */
  downloadedPath?: string;
}

export interface RecommendedModelsResult {
  machine: MachineFacts;
  modelsDir: string;
  models: RecommendedModel[];
}
export const RecommendedModelsRequest = new PincerRequest0<RecommendedModelsResult>("pincer/models/recommended");
