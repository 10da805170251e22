// The wire protocol: every custom `pincer/...` method and its types, imported by both the client
// and the server so the two cannot drift. Standard LSP is preferred wherever it fits; these cover
// what LSP has no message for.
import type { CommandSandboxInfo } from "../agent/tool-types";
import type { PincerSettings } from "./settings";

export type { CommandSandboxInfo };

export type ServerState = "no-model" | "loading" | "ready" | "busy" | "error";
export type BackendName = "CUDA" | "Vulkan" | "Metal" | "CPU";

/** Server → client, whenever the model host changes state. Drives the status bar. */
export interface StatusParams {
  state: ServerState;
  /** Short display name of the model ("qwen2.5-coder-1.5b-instruct-q4_k_m"), when one is chosen. */
  model?: string;
  modelPath?: string;
  backend?: BackendName;
  /** Why the state is what it is: the load error, "restricted mode", etc. */
  message?: string;
  /** Workspace Trust as the client reported it; untrusted means read-only features only. */
  trusted: boolean;
  /** Whether agent commands run in an OS sandbox (absent until detected). */
  commandSandbox?: CommandSandboxInfo;
}
export const StatusNotification = "pincer/status" as const;

/** Client → server: the workspace trust state changed (granted trust cannot be revoked without a reload). */
export interface TrustParams {
  trusted: boolean;
}
export const TrustNotification = "pincer/setTrust" as const;

/** Client → server: download a model the user chose and agreed to. Reports through workDoneProgress. */
export interface DownloadModelParams {
  uri: string;
  /** Expected sha256 (hex); when absent the server uses the hash the hub publishes, if any. */
  sha256?: string;
}
export interface DownloadModelResult {
  path: string;
  sha256: string;
  verified: "pinned" | "hub" | "unverified";
}
export const DownloadModelRequest = "pincer/downloadModel" as const;

export interface LocalModel {
  path: string;
  name: string;
  sizeBytes: number;
}
export interface ListModelsResult {
  modelsDir: string;
  models: LocalModel[];
}
export const ListModelsRequest = "pincer/listModels" as const;

/** One inline completion as the server saw it; for benchmarks and diagnostics. */
export interface CompletionStat {
  uri: string;
  /** Handler start to answer, in milliseconds. */
  totalMs: number;
  /** Time inside the model (prompt evaluation and generation). */
  modelMs: number;
  /** Time waiting for the completion sequence: a replaced request finishing the token it was on. */
  queuedMs: number;
  evaluatedPromptTokens: number;
  reusedTokens: number;
  source: "model" | "last-suggestion" | "none";
  relayout: boolean;
  cancelled: boolean;
  empty: boolean;
  /** Tokens of the layout the answer came from, and whether it was the full one or a quick one. */
  layoutTokens?: number;
  layoutKind?: "full" | "quick";
  /** Prompt tokens the first-suggestion time budget allowed, when this request laid out a new place. */
  budgetTokens?: number;
}
export interface CompletionStatsResult {
  stats: CompletionStat[];
}
/** Client → server: the completion stats recorded since the last call (at most the last 5,000). */
export const CompletionStatsRequest = "pincer/completionStats" as const;

/**
 * Client → server: the cursor moved to `position` with no edit (a click, a jump). The server warms
 * the completion prompt for that place in the background, so the first suggestion there is fast.
 */
export const CompletionCursorNotification = "pincer/completionCursor" as const;
export interface CompletionCursorParams {
  textDocument: { uri: string };
  position: { line: number; character: number };
}

export type { PincerSettings };

/** Initialization options the client sends; the CLI sends the same shape. */
export interface PincerInitializationOptions {
  settings: Partial<PincerSettings>;
  trusted: boolean;
  /** Folder the client owns for storage (globalStorageUri); the server keeps caches there. */
  storageDir?: string;
}
