// The server's own messages: its status for the status bar, Workspace Trust from the client, and the
// initialization options. Standard LSP is preferred wherever it fits; the pincer/* methods cover what
// LSP has no message for.
import type { KvCacheType } from "./settings-schema";
import type { CommandSandboxInfo } from "./agent";
import { bool, object } from "./checks";
import { PincerNotification, ServerNotification } from "./rpc";
import type { PincerSettings } from "./settings";

/** The server's version (serverInfo, `pincer doctor`). */
export const SERVER_VERSION = "0.1.0";

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
  /** Confirmed remote engine hosts the settings use ("gpu.lan:8443"); the status bar shows "remote: host". */
  remote?: string[];
  /**
   * Set when every feature (completion, chat, agent) goes to a remote engine: the hosts the settings
   * name, confirmed or not. With no local model the status bar shows these instead of "select a model".
   */
  remoteOnly?: string[];
  /** The API `pincer.api.enabled` starts: its URL, or why it did not start; and the token file either way. */
  api?: { url?: string; tokenFile: string; error?: string };
  /** Memory of the loaded model and its features' context windows (absent while none is loaded). */
  memory?: EngineMemoryReport;
  /** `memory` in lines for the person, in the client's display language (initialize's locale). */
  memoryLines?: string[];
}

/** One feature's context window: its size, whether it exists now, and what it costs. */
export interface ContextMemory {
  feature: "completion" | "chat" | "agent" | "nextEdit";
  /** Tokens per sequence. */
  contextSize: number;
  sequences: number;
  kvCacheType: KvCacheType;
  /** Created now (a window is created on first use and released after pincer.memory.idleReleaseMinutes). */
  live: boolean;
  /** node-llama-cpp's estimate for this window (KV cache + compute buffers). */
  expectedBytes: number;
  /** How much the server's resident memory grew when the window was last created. */
  measuredBytes?: number;
}

export interface EngineMemoryReport {
  /** node-llama-cpp's estimate for the model's weights in memory. */
  modelExpectedBytes: number;
  /** How much the server's resident memory grew while the model loaded (mapped weights count once read). */
  modelMeasuredBytes: number;
  /** The model's tensors as loaded. */
  modelFileBytes: number;
  contexts: ContextMemory[];
  /** The server process's resident set size when the report was made. */
  processRssBytes: number;
}
export const StatusNotification = new ServerNotification<StatusParams>("pincer/server/status");

/** Client → server: the workspace trust state changed (granted trust cannot be revoked without a reload). */
export interface TrustParams {
  trusted: boolean;
}
export const TrustNotification = new PincerNotification<TrustParams>("pincer/workspace/setTrust", object({ trusted: bool }));

/** Initialization options the client sends; the CLI sends the same shape. */
export interface PincerInitializationOptions {
  settings: Partial<PincerSettings>;
  trusted: boolean;
  /** Folder the client owns for storage (globalStorageUri); the server keeps caches there. */
  storageDir?: string;
}
