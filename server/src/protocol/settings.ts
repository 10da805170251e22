// The `pincer.*` settings as the server and the CLI use them: their shape, the defaults (from
// settings-schema.ts, the one definition) and the checks of untrusted input. The client reads them
// from VS Code by the same table; the CLI from a settings file.
import {
  AGENT_PROFILES,
  CHAT_LANGUAGE_SETTINGS,
  COMMAND_SANDBOX_SETTINGS,
  GPU_SETTINGS,
  KV_CACHE_TYPES,
  MCP_READ_ONLY_HINT_SETTINGS,
  MCP_TOOL_SETTINGS,
  NEXT_EDIT_FORMATS,
  SETTINGS_SCHEMA,
  TOOL_PERMISSIONS,
  type AgentProfile,
  type ChatLanguageSetting,
  type CommandSandboxSetting,
  type GpuSetting,
  type KvCacheType,
  type McpReadOnlyHintSetting,
  type McpToolSetting,
  type NextEditFormatSetting,
  type ToolPermission,
} from "./settings-schema";

export * from "./settings-schema";

/** Next-edit suggestions: the related edit that follows the last one, anywhere near it. */
export interface NextEditSettings {
  enabled: boolean;
  /** A model trained for next edits; empty uses the main model with the general prompt (lower quality). */
  model: string;
  /** The prompt format; "auto" reads it from the model's name. */
  format: NextEditFormatSetting;
  /** Milliseconds the client waits after an edit before asking. */
  debounceMs: number;
  /** Longest rewrite of the editable region, in tokens. */
  maxTokens: number;
}

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
  /** Tokens per sequence of the chat and the agent; "auto" takes what the model and memory allow, capped at 8192. */
  contextSize: "auto" | number;
  memory: MemorySettings;
  completion: {
    enabled: boolean;
    maxTokens: number;
    maxLines: number;
    /** Milliseconds the client waits after a keystroke before asking (typing on cancels the wait). */
    debounceMs: number;
    /** A separate, smaller model for completions; empty uses the main model. Both stay loaded. */
    model: string;
    /**
     * Milliseconds the first suggestion at a new place may take: its prompt is sized to the model's
     * measured speed and the full prompt is evaluated in the background. 0: the full prompt at once.
     */
    firstSuggestionMs: number;
    /** Tokens per completion sequence; "auto": 2048, at most contextSize. */
    contextSize: "auto" | number;
  };
  chat: {
    /** The answer language: "auto" follows the UI language (chat/answer-language.ts). */
    language: ChatLanguageSetting;
  };
  nextEdit: NextEditSettings;
  agent: AgentSettings;
  voice: VoiceSettings;
  /** The codebase index (lexical + semantic search over the workspace, kept in Pincer's storage). */
  index: IndexSettings;
  mcp: McpSettings;
  /** Remote OpenAI-compatible engines per feature; an empty url keeps that feature on the local model. */
  remote: Record<RemoteRole, RemoteRoleSettings>;
  /** The OpenAI-compatible API on loopback while the language server runs (`pincer serve --http` in the editor). */
  api: ApiSettings;
}

export interface ApiSettings {
  enabled: boolean;
  port: number;
}

/** How the features' context windows (KV caches) use memory. */
export interface MemorySettings {
  kvCacheType: KvCacheType;
  /** A feature's window unused this many minutes is released; 0 keeps it. */
  idleReleaseMinutes: number;
}

export const REMOTE_ROLES = ["completion", "chat", "agent"] as const;
export type RemoteRole = (typeof REMOTE_ROLES)[number];
export interface RemoteRoleSettings {
  /** Base URL of an OpenAI-compatible server; empty: the local model. */
  url: string;
  /** Model name on that server; empty: its first listed model. */
  model: string;
}

export interface IndexSettings {
  enabled: boolean;
  /** A GGUF embedding model (path, `hf:` URI or URL); empty: lexical search only. */
  embeddingModel: string;
  /** Background indexing waits while the machine runs on battery (Linux and macOS can tell). */
  pauseOnBattery: boolean;
  /** Files larger than this many KiB are not indexed. */
  maxFileKb: number;
}

/** MCP servers and their rules; user settings only (a workspace adds servers only through approval). */
export interface McpSettings {
  /** mcp.json's `servers`: checked by mcp/mcp-config.ts, which reports each bad entry. */
  servers: Record<string, Record<string, unknown>>;
  /** "server" or "server/tool" → allow | ask | deny | off. */
  tools: Record<string, McpToolSetting>;
  /** Server → whether its readOnlyHint annotations may lower ask to allow. */
  readOnlyHint: Record<string, McpReadOnlyHintSetting>;
}

/** Every setting at its default, from the schema. */
export const DEFAULT_SETTINGS = unflattenPincerKeys(Object.fromEntries(Object.entries(SETTINGS_SCHEMA).map(([key, schema]) => [key, structuredClone(schema.default)]))) as unknown as PincerSettings;

/** Merge untrusted input (a settings file, a client message) over the defaults, keeping only valid values. */
export function normalizeSettings(input: unknown): PincerSettings {
  const raw = (isRecord(input) ? input : {}) as Record<string, unknown>;
  const completion = isRecord(raw.completion) ? raw.completion : {};
  const agent = isRecord(raw.agent) ? raw.agent : {};
  const voice = isRecord(raw.voice) ? raw.voice : {};
  const nextEdit = isRecord(raw.nextEdit) ? raw.nextEdit : {};
  const index = isRecord(raw.index) ? raw.index : {};
  const mcp = isRecord(raw.mcp) ? raw.mcp : {};
  const api = isRecord(raw.api) ? raw.api : {};
  const memory = isRecord(raw.memory) ? raw.memory : {};
  return {
    model: typeof raw.model === "string" ? raw.model.trim() : DEFAULT_SETTINGS.model,
    modelsDir: typeof raw.modelsDir === "string" ? raw.modelsDir.trim() : DEFAULT_SETTINGS.modelsDir,
    gpu: oneOf(raw.gpu, GPU_SETTINGS, DEFAULT_SETTINGS.gpu),
    gpuLayers: autoOrInt(raw.gpuLayers, ["auto", "max"] as const, 0, DEFAULT_SETTINGS.gpuLayers),
    threads: autoOrInt(raw.threads, ["auto"] as const, 1, DEFAULT_SETTINGS.threads),
    contextSize: autoOrInt(raw.contextSize, ["auto"] as const, 256, DEFAULT_SETTINGS.contextSize),
    memory: {
      kvCacheType: oneOf(memory.kvCacheType, KV_CACHE_TYPES, DEFAULT_SETTINGS.memory.kvCacheType),
      idleReleaseMinutes:
        typeof memory.idleReleaseMinutes === "number" && Number.isInteger(memory.idleReleaseMinutes) && memory.idleReleaseMinutes >= 0
          ? memory.idleReleaseMinutes
          : DEFAULT_SETTINGS.memory.idleReleaseMinutes,
    },
    completion: {
      enabled: typeof completion.enabled === "boolean" ? completion.enabled : DEFAULT_SETTINGS.completion.enabled,
      maxTokens: positiveInt(completion.maxTokens, DEFAULT_SETTINGS.completion.maxTokens),
      maxLines: positiveInt(completion.maxLines, DEFAULT_SETTINGS.completion.maxLines),
      debounceMs: typeof completion.debounceMs === "number" && completion.debounceMs >= 0 ? Math.floor(completion.debounceMs) : DEFAULT_SETTINGS.completion.debounceMs,
      model: typeof completion.model === "string" ? completion.model.trim() : DEFAULT_SETTINGS.completion.model,
      firstSuggestionMs:
        typeof completion.firstSuggestionMs === "number" && completion.firstSuggestionMs >= 0 && Number.isFinite(completion.firstSuggestionMs)
          ? Math.floor(completion.firstSuggestionMs)
          : DEFAULT_SETTINGS.completion.firstSuggestionMs,
      contextSize: autoOrInt(completion.contextSize, ["auto"] as const, 256, DEFAULT_SETTINGS.completion.contextSize),
    },
    chat: { language: oneOf(isRecord(raw.chat) ? raw.chat.language : undefined, CHAT_LANGUAGE_SETTINGS, DEFAULT_SETTINGS.chat.language) },
    nextEdit: {
      enabled: typeof nextEdit.enabled === "boolean" ? nextEdit.enabled : DEFAULT_SETTINGS.nextEdit.enabled,
      model: typeof nextEdit.model === "string" ? nextEdit.model.trim() : DEFAULT_SETTINGS.nextEdit.model,
      format: oneOf(nextEdit.format, NEXT_EDIT_FORMATS, DEFAULT_SETTINGS.nextEdit.format),
      debounceMs: typeof nextEdit.debounceMs === "number" && nextEdit.debounceMs >= 0 && Number.isFinite(nextEdit.debounceMs) ? Math.floor(nextEdit.debounceMs) : DEFAULT_SETTINGS.nextEdit.debounceMs,
      maxTokens: Math.max(16, positiveInt(nextEdit.maxTokens, DEFAULT_SETTINGS.nextEdit.maxTokens)),
    },
    agent: {
      maxSteps: positiveInt(agent.maxSteps, DEFAULT_SETTINGS.agent.maxSteps),
      maxTokens: positiveInt(agent.maxTokens, DEFAULT_SETTINGS.agent.maxTokens),
      maxWallSeconds: positiveInt(agent.maxWallSeconds, DEFAULT_SETTINGS.agent.maxWallSeconds),
      profile: oneOf(agent.profile, AGENT_PROFILES, DEFAULT_SETTINGS.agent.profile),
      toolPermissions: toolPermissions(agent.toolPermissions),
      sandbox: oneOf(agent.sandbox, COMMAND_SANDBOX_SETTINGS, DEFAULT_SETTINGS.agent.sandbox),
    },
    voice: {
      model: typeof voice.model === "string" && voice.model.trim() !== "" ? voice.model.trim() : DEFAULT_SETTINGS.voice.model,
      language: oneOf(voice.language, ["auto", "zh", "en"] as const, DEFAULT_SETTINGS.voice.language),
      recorder: oneOf(voice.recorder, ["auto", "arecord", "sox", "ffmpeg"] as const, DEFAULT_SETTINGS.voice.recorder),
      silenceSeconds: typeof voice.silenceSeconds === "number" && voice.silenceSeconds >= 0.5 && voice.silenceSeconds <= 10 ? voice.silenceSeconds : DEFAULT_SETTINGS.voice.silenceSeconds,
    },
    index: {
      enabled: typeof index.enabled === "boolean" ? index.enabled : DEFAULT_SETTINGS.index.enabled,
      embeddingModel: typeof index.embeddingModel === "string" ? index.embeddingModel.trim() : DEFAULT_SETTINGS.index.embeddingModel,
      pauseOnBattery: typeof index.pauseOnBattery === "boolean" ? index.pauseOnBattery : DEFAULT_SETTINGS.index.pauseOnBattery,
      maxFileKb: positiveInt(index.maxFileKb, DEFAULT_SETTINGS.index.maxFileKb),
    },
    mcp: {
      servers: records(mcp.servers),
      tools: enumMap(mcp.tools, MCP_TOOL_SETTINGS),
      readOnlyHint: enumMap(mcp.readOnlyHint, MCP_READ_ONLY_HINT_SETTINGS),
    },
    remote: Object.fromEntries(REMOTE_ROLES.map((role) => [role, remoteRole(isRecord(raw.remote) ? raw.remote[role] : undefined)])) as PincerSettings["remote"],
    api: {
      enabled: typeof api.enabled === "boolean" ? api.enabled : DEFAULT_SETTINGS.api.enabled,
      port: Number.isInteger(api.port) && (api.port as number) >= 1 && (api.port as number) <= 65535 ? (api.port as number) : DEFAULT_SETTINGS.api.port,
    },
  };
}

/** A setting whose value was not used: the value given and the value used instead. */
export interface InvalidSetting {
  key: string;
  value: unknown;
  used: unknown;
}

/**
 * The settings of `raw` (nested, as normalizeSettings takes it) that normalizeSettings replaced with
 * a default: a value of the wrong type or outside its range. Object settings filter their entries
 * and are not listed here.
 */
export function invalidSettings(raw: unknown, settings: PincerSettings): InvalidSetting[] {
  const found: InvalidSetting[] = [];
  for (const [key, schema] of Object.entries(SETTINGS_SCHEMA)) {
    if (schema.type === "object") continue;
    const parts = key.replace(/^pincer\./, "").split(".");
    const value = at(raw, parts);
    if (value === undefined) continue;
    const used = at(settings, parts);
    const accepted = value === used || (typeof value === "string" && (value.trim() === used || String(used) === value));
    if (!accepted) found.push({ key, value, used });
  }
  return found;
}

function at(value: unknown, parts: readonly string[]): unknown {
  let cursor = value;
  for (const part of parts) cursor = isRecord(cursor) && Object.hasOwn(cursor, part) ? cursor[part] : undefined;
  return cursor;
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
    if (/^[a-z][a-z0-9_]{0,63}$/.test(name) && (TOOL_PERMISSIONS as readonly unknown[]).includes(decision)) kept[name] = decision as ToolPermission;
  }
  return kept;
}

/** A role's url and model as trimmed strings (the url itself is checked when it is used: remote/endpoint.ts). */
function remoteRole(value: unknown): RemoteRoleSettings {
  const raw = isRecord(value) ? value : {};
  const text = (v: unknown) => (typeof v === "string" ? v.trim().slice(0, 2048) : "");
  return { url: text(raw.url), model: text(raw.model) };
}

/** Object entries whose value is an object (own keys only: no __proto__). */
function records(value: unknown): Record<string, Record<string, unknown>> {
  if (!isRecord(value)) return {};
  const kept: Record<string, Record<string, unknown>> = {};
  for (const [key, item] of Object.entries(value)) if (key !== "__proto__" && isRecord(item)) kept[key] = item;
  return kept;
}

function enumMap<T extends string>(value: unknown, allowed: readonly T[]): Record<string, T> {
  if (!isRecord(value)) return {};
  const kept: Record<string, T> = {};
  for (const [key, item] of Object.entries(value)) if (key !== "__proto__" && (allowed as readonly unknown[]).includes(item)) kept[key] = item as T;
  return kept;
}

function positiveInt(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : fallback;
}
