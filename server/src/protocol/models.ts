// The model manager behind the client's pickers: the downloaded models, and a download the person
// chose and agreed to (progress through workDoneProgress, cancel with $/cancelRequest).
import { object, optional, str, workDoneToken } from "./checks";
import { PincerRequest, PincerRequest0 } from "./rpc";

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
