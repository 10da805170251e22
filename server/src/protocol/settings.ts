// The `pincer.*` settings, defined once for the client (which reads them from VS Code), the server
// (which receives them) and the CLI (which reads them from a settings file).

export type GpuSetting = "auto" | "cuda" | "vulkan" | "metal" | "off";

/** Agent role profiles: what each tool effect (read, edit, command) may do without asking. */
export type AgentProfile = "read-only" | "edit" | "full";
export type ToolPermission = "allow" | "ask" | "deny";
/** Agent commands in an OS sandbox: when available (auto), always (required: none ⇒ refused), or never (off). */
export type CommandSandboxSetting = "auto" | "required" | "off";
export const COMMAND_SANDBOX_SETTINGS: readonly CommandSandboxSetting[] = ["auto", "required", "off"];

export interface AgentSettings {
  maxSteps: number;
  /** Prompt tokens evaluated plus tokens generated over one run. */
  maxTokens: number;
  maxWallSeconds: number;
  profile: AgentProfile;
  /** Per-tool overrides of the profile, by tool name. User settings only (a workspace cannot widen them). */
  toolPermissions: Record<string, ToolPermission>;
  /** The OS sandbox for agent commands. User settings only (a workspace cannot turn it off). */
  sandbox: CommandSandboxSetting;
}

/** Voice input: the Whisper model (catalog id or ggml path), the language and the recorder. */
export interface VoiceSettings {
  model: string;
  language: "auto" | "zh" | "en";
  recorder: "auto" | "arecord" | "sox" | "ffmpeg";
  /** Seconds of silence after speech that end a dictation. */
  silenceSeconds: number;
}

export interface PincerSettings {
  /** A local .gguf path, an `hf:` URI or an https URL; empty means "not chosen yet". */
  model: string;
  /** Where downloaded models live; empty means the default folder. */
  modelsDir: string;
  gpu: GpuSetting;
  /** "auto" fits as many layers as memory allows; a number pins it; 0 keeps everything on the CPU. */
  gpuLayers: "auto" | "max" | number;
  /** "auto" measures 1..N threads on the loaded model and keeps the fastest. */
  threads: "auto" | number;
  /** Tokens per sequence; "auto" takes what the model and memory allow, capped at 8192. */
  contextSize: "auto" | number;
  completion: {
    enabled: boolean;
    maxTokens: number;
    maxLines: number;
    /** Milliseconds the client waits after a keystroke before asking (typing on cancels the wait). */
    debounceMs: number;
    /** A separate, smaller model for completions; empty uses the main model. Both stay loaded. */
    model: string;
  };
  agent: AgentSettings;
  voice: VoiceSettings;
}

export const DEFAULT_SETTINGS: PincerSettings = {
  model: "",
  modelsDir: "",
  gpu: "auto",
  gpuLayers: "auto",
  threads: "auto",
  contextSize: "auto",
  completion: { enabled: true, maxTokens: 64, maxLines: 8, debounceMs: 75, model: "" },
  agent: { maxSteps: 30, maxTokens: 200_000, maxWallSeconds: 900, profile: "edit", toolPermissions: {}, sandbox: "auto" },
  voice: { model: "base", language: "auto", recorder: "auto", silenceSeconds: 1.5 },
};

/** Default model offered on first run; downloaded only after the user agrees. */
export const RECOMMENDED_MODEL = {
  label: "Qwen2.5-Coder 1.5B Instruct (Q4_K_M, about 1.1 GB)",
  uri: "hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
  approximateBytes: 1_120_000_000,
} as const;

/** Merge untrusted input (a settings file, a client message) over the defaults, keeping only valid values. */
export function normalizeSettings(input: unknown): PincerSettings {
  const raw = (isRecord(input) ? input : {}) as Record<string, unknown>;
  const completion = isRecord(raw.completion) ? raw.completion : {};
  const agent = isRecord(raw.agent) ? raw.agent : {};
  const voice = isRecord(raw.voice) ? raw.voice : {};
  return {
    model: typeof raw.model === "string" ? raw.model.trim() : DEFAULT_SETTINGS.model,
    modelsDir: typeof raw.modelsDir === "string" ? raw.modelsDir.trim() : DEFAULT_SETTINGS.modelsDir,
    gpu: oneOf(raw.gpu, ["auto", "cuda", "vulkan", "metal", "off"] as const, DEFAULT_SETTINGS.gpu),
    gpuLayers: autoOrInt(raw.gpuLayers, ["auto", "max"] as const, 0, DEFAULT_SETTINGS.gpuLayers),
    threads: autoOrInt(raw.threads, ["auto"] as const, 1, DEFAULT_SETTINGS.threads),
    contextSize: autoOrInt(raw.contextSize, ["auto"] as const, 256, DEFAULT_SETTINGS.contextSize),
    completion: {
      enabled: typeof completion.enabled === "boolean" ? completion.enabled : DEFAULT_SETTINGS.completion.enabled,
      maxTokens: positiveInt(completion.maxTokens, DEFAULT_SETTINGS.completion.maxTokens),
      maxLines: positiveInt(completion.maxLines, DEFAULT_SETTINGS.completion.maxLines),
      debounceMs: typeof completion.debounceMs === "number" && completion.debounceMs >= 0 ? Math.floor(completion.debounceMs) : DEFAULT_SETTINGS.completion.debounceMs,
      model: typeof completion.model === "string" ? completion.model.trim() : DEFAULT_SETTINGS.completion.model,
    },
    agent: {
      maxSteps: positiveInt(agent.maxSteps, DEFAULT_SETTINGS.agent.maxSteps),
      maxTokens: positiveInt(agent.maxTokens, DEFAULT_SETTINGS.agent.maxTokens),
      maxWallSeconds: positiveInt(agent.maxWallSeconds, DEFAULT_SETTINGS.agent.maxWallSeconds),
      profile: oneOf(agent.profile, ["read-only", "edit", "full"] as const, DEFAULT_SETTINGS.agent.profile),
      toolPermissions: toolPermissions(agent.toolPermissions),
      sandbox: oneOf(agent.sandbox, COMMAND_SANDBOX_SETTINGS, DEFAULT_SETTINGS.agent.sandbox),
    },
    voice: {
      model: typeof voice.model === "string" && voice.model.trim() !== "" ? voice.model.trim() : DEFAULT_SETTINGS.voice.model,
      language: oneOf(voice.language, ["auto", "zh", "en"] as const, DEFAULT_SETTINGS.voice.language),
      recorder: oneOf(voice.recorder, ["auto", "arecord", "sox", "ffmpeg"] as const, DEFAULT_SETTINGS.voice.recorder),
      silenceSeconds: typeof voice.silenceSeconds === "number" && voice.silenceSeconds >= 0.5 && voice.silenceSeconds <= 10 ? voice.silenceSeconds : DEFAULT_SETTINGS.voice.silenceSeconds,
    },
  };
}

/** Settings files and VS Code both may use flat dotted keys ("pincer.model"); fold them into objects. */
export function unflattenPincerKeys(flat: Record<string, unknown>): Record<string, unknown> {
  const nested: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const parts = key.replace(/^pincer\./, "").split(".");
    let cursor = nested;
    for (const part of parts.slice(0, -1)) {
      cursor[part] = isRecord(cursor[part]) ? cursor[part] : {};
      cursor = cursor[part] as Record<string, unknown>;
    }
    cursor[parts[parts.length - 1]!] = value;
  }
  return nested;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === "string" && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function autoOrInt<K extends string>(value: unknown, keywords: readonly K[], min: number, fallback: K | number): K | number {
  if (typeof value === "string" && (keywords as readonly string[]).includes(value)) return value as K;
  if (typeof value === "number" && Number.isInteger(value) && value >= min) return value;
  if (typeof value === "string" && /^\d+$/.test(value) && Number(value) >= min) return Number(value);
  return fallback;
}

/** Keeps entries whose key looks like a tool name and whose value is allow, ask or deny. */
function toolPermissions(value: unknown): Record<string, ToolPermission> {
  if (!isRecord(value)) return {};
  const kept: Record<string, ToolPermission> = {};
  for (const [name, decision] of Object.entries(value)) {
    if (/^[a-z][a-z0-9_]{0,63}$/.test(name) && (decision === "allow" || decision === "ask" || decision === "deny")) kept[name] = decision;
  }
  return kept;
}

function positiveInt(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : fallback;
}
