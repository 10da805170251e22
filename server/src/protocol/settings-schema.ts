// Every `pincer.*` setting, defined once: its type, default, allowed values and description. The
// defaults (settings.ts's DEFAULT_SETTINGS), the checks of untrusted input (normalizeSettings), the
// client's reading of VS Code's configuration and package.json's contributes.configuration all come
// from this table; settings.test.ts checks that package.json says exactly this.

export const GPU_SETTINGS = ["auto", "cuda", "vulkan", "metal", "off"] as const;
/** Agent role profiles: what each tool effect (read, edit, command) may do without asking. */
export const AGENT_PROFILES = ["read-only", "edit", "full"] as const;
/** A tool permission override, a command rule's decision and the gate's decision take these values. */
export const TOOL_PERMISSIONS = ["allow", "ask", "deny"] as const;
/** Agent commands in an OS sandbox: when available (auto), always (required: none ⇒ refused), or never (off). */
export const COMMAND_SANDBOX_SETTINGS = ["auto", "required", "off"] as const;

/** An MCP server or tool in `pincer.mcp.tools`: a permission, or "off" (not offered to the model at all). */
export const MCP_TOOL_SETTINGS = ["allow", "ask", "deny", "off"] as const;
/** Whether an MCP server's readOnlyHint annotations may lower its tools' default from ask to allow. */
export const MCP_READ_ONLY_HINT_SETTINGS = ["ignore", "trust"] as const;
/** The chat's answer language: the UI language (auto), or one named. */
export const CHAT_LANGUAGE_SETTINGS = ["auto", "en", "zh-cn"] as const;

/** Next-edit prompt formats: read from the model's name (auto), or one family's trained format. */
export const NEXT_EDIT_FORMATS = ["auto", "zeta", "sweep", "generic"] as const;

export type NextEditFormatSetting = (typeof NEXT_EDIT_FORMATS)[number];
/** The KV cache's element type: f16 as llama.cpp's default; q8_0 halves it, q4_0 quarters it (flash attention on). */
export const KV_CACHE_TYPES = ["f16", "q8_0", "q4_0"] as const;

export type GpuSetting = (typeof GPU_SETTINGS)[number];
export type KvCacheType = (typeof KV_CACHE_TYPES)[number];
export type AgentProfile = (typeof AGENT_PROFILES)[number];
export type ToolPermission = (typeof TOOL_PERMISSIONS)[number];
export type CommandSandboxSetting = (typeof COMMAND_SANDBOX_SETTINGS)[number];
export type McpToolSetting = (typeof MCP_TOOL_SETTINGS)[number];
export type McpReadOnlyHintSetting = (typeof MCP_READ_ONLY_HINT_SETTINGS)[number];
export type ChatLanguageSetting = (typeof CHAT_LANGUAGE_SETTINGS)[number];

/** One setting as VS Code's contributes.configuration declares it. */
export interface SettingSchema {
  type: "string" | "integer" | "number" | "boolean" | "object" | readonly ["string", "integer"];
  default: string | number | boolean | Record<string, never>;
  enum?: readonly string[];
  enumDescriptions?: readonly string[];
  minimum?: number;
  maximum?: number;
  additionalProperties?: { type: "string"; enum: readonly string[] } | { type: "object" };
  /** "application": user settings only, a workspace cannot change it. */
  scope?: "application" | "language-overridable";
  order: number;
  description?: string;
  markdownDescription?: string;
}

export const SETTINGS_SCHEMA = {
  "pincer.model": {
    type: "string",
    default: "",
    order: 0,
    markdownDescription:
      "The model: a local `.gguf` path, an `hf:owner/repo/file.gguf` URI or an `https://` URL. Remote models are used once downloaded with **Pincer: Download Model…**; nothing is downloaded without your agreement.",
  },
  "pincer.modelsDir": {
    type: "string",
    default: "",
    order: 1,
    markdownDescription:
      "Folder for downloaded models. Empty: `~/.local/share/pincer/models` (Linux), `~/Library/Application Support/Pincer/models` (macOS), `%LOCALAPPDATA%\\Pincer\\models` (Windows).",
  },
  "pincer.gpu": {
    type: "string",
    enum: GPU_SETTINGS,
    default: "auto",
    order: 2,
    markdownDescription: "Compute backend. `auto` uses CUDA, Vulkan or Metal when present and the CPU otherwise.",
  },
  "pincer.gpuLayers": {
    type: ["string", "integer"],
    default: "auto",
    order: 3,
    markdownDescription: "Model layers to offload to the GPU: `auto` (as many as fit), `max`, or a number (`0` keeps the model on the CPU).",
  },
  "pincer.threads": {
    type: ["string", "integer"],
    default: "auto",
    order: 4,
    markdownDescription: "CPU threads. `auto` measures 1..N threads on the loaded model once and keeps the fastest (on shared vCPUs fewer threads are often much faster).",
  },
  "pincer.contextSize": {
    type: ["string", "integer"],
    default: "auto",
    order: 5,
    markdownDescription:
      "Context window in tokens of the chat and the agent (each keeps its own, created when first used). `auto` takes what the model and memory allow, up to 8192. Inline completion has its own, smaller window: `pincer.completion.contextSize`.",
  },
  "pincer.memory.kvCacheType": {
    type: "string",
    enum: KV_CACHE_TYPES,
    enumDescriptions: [
      "16-bit KV cache, llama.cpp's default: answers exactly as the model gives them.",
      "8-bit KV cache: about half the cache's memory; answers can differ slightly from f16 (the README has the measured difference).",
      "4-bit KV cache: about a quarter of the cache's memory; answers differ more (the README has the measured difference).",
    ],
    default: "f16",
    order: 6,
    markdownDescription:
      "Element type of the KV cache (the memory each context window takes besides the model). A quantized value cache needs flash attention, which Pincer turns on wherever the model supports it; where it does not, only the keys are quantized.",
  },
  "pincer.memory.idleReleaseMinutes": {
    type: "integer",
    default: 15,
    minimum: 0,
    order: 7,
    markdownDescription:
      "Give a feature's context window (its KV cache) back after this many minutes unused; it is created again on the next use, which then evaluates its prompt afresh. `0`: keep every window while the model is loaded.",
  },
  "pincer.completion.enabled": {
    type: "boolean",
    default: true,
    order: 10,
    scope: "language-overridable",
    markdownDescription: 'Show inline completions (ghost text). Language-overridable, e.g. `"[markdown]": { "pincer.completion.enabled": false }`.',
  },
  "pincer.completion.maxTokens": { type: "integer", default: 64, minimum: 1, order: 11, description: "Longest inline completion, in tokens." },
  "pincer.completion.maxLines": { type: "integer", default: 8, minimum: 1, order: 12, description: "Longest multi-line inline completion, in lines." },
  "pincer.completion.debounceMs": {
    type: "integer",
    default: 75,
    minimum: 0,
    order: 13,
    description: "Milliseconds to wait after a keystroke before asking for a completion; typing on cancels the wait.",
  },
  "pincer.completion.model": {
    type: "string",
    default: "",
    order: 14,
    markdownDescription: "A separate, smaller model for inline completions (a `.gguf` path, `hf:` URI or URL). Empty: the main model. When set, both models stay loaded.",
  },
  "pincer.completion.firstSuggestionMs": {
    type: "integer",
    default: 1000,
    minimum: 0,
    order: 15,
    markdownDescription:
      "Time budget in milliseconds for the first suggestion after the cursor moves to a new place. Its prompt is sized to the model's measured speed; the full prompt is then evaluated in the background while you read, so the next suggestion there has full context. `0`: always evaluate the full prompt first.",
  },
  "pincer.nextEdit.enabled": {
    type: "boolean",
    default: false,
    order: 56,
    markdownDescription:
      "Suggest the next related edit anywhere near your last edit (rename a parameter, and its uses follow). Shown as highlighted lines with the new text beside them and a mark in the overview ruler: **Tab** jumps to it, **Tab** again accepts, **Escape** dismisses. Best with a next-edit model (`pincer.nextEdit.model`); the main model is a fallback of lower quality.",
  },
  "pincer.nextEdit.model": {
    type: "string",
    default: "",
    order: 57,
    markdownDescription:
      "A model trained for next-edit suggestions (a `.gguf` path, `hf:` URI or URL), e.g. Zed's Zeta or Sweep's Next-Edit; its prompt format is chosen from its name. Empty: the main model with a general prompt (lower quality). When set, it stays loaded beside the main model.",
  },
  "pincer.nextEdit.format": {
    type: "string",
    default: "auto",
    enum: NEXT_EDIT_FORMATS,
    order: 58,
    markdownDescription: "The prompt format of the next-edit model. `auto`: from the model's name (`zeta` → Zeta, `sweep`/`next-edit` → Sweep, anything else → the general prompt).",
  },
  "pincer.nextEdit.debounceMs": {
    type: "integer",
    default: 400,
    minimum: 0,
    order: 59,
    description: "Milliseconds to wait after an edit before asking for the next edit; typing on cancels the wait.",
  },
  "pincer.nextEdit.maxTokens": { type: "integer", default: 384, minimum: 16, order: 60, description: "Longest rewrite of the editable region a next-edit suggestion may generate, in tokens." },
  "pincer.completion.contextSize": {
    type: ["string", "integer"],
    default: "auto",
    order: 16,
    markdownDescription:
      "Inline completion's window in tokens (prefix, suffix and related code). `auto`: 2048, or `pincer.contextSize` when that is smaller. Completion keeps two windows of this size (one warms the next place), so each doubling costs twice its KV cache.",
  },
  "pincer.agent.maxSteps": {
    type: "integer",
    default: 30,
    minimum: 1,
    order: 20,
    description: "Most steps (tool calls) in one agent run; the run stops with a summary of what it did when they are spent.",
  },
  "pincer.agent.maxTokens": {
    type: "integer",
    default: 200000,
    minimum: 1,
    order: 21,
    description: "Most tokens one agent run may spend (prompt tokens evaluated plus tokens generated).",
  },
  "pincer.agent.maxWallSeconds": { type: "integer", default: 900, minimum: 1, order: 22, description: "Longest wall-clock time of one agent run, in seconds." },
  "pincer.agent.profile": {
    type: "string",
    enum: AGENT_PROFILES,
    enumDescriptions: ["Read and search only; edits and commands are refused.", "Edits run (protected files ask); commands ask.", "Edits and commands run; the command rules still deny or ask."],
    default: "edit",
    scope: "application",
    order: 23,
    markdownDescription: "What the agent may do without asking. User settings only: a workspace cannot widen it, and an untrusted workspace is always `read-only`.",
  },
  "pincer.agent.toolPermissions": {
    type: "object",
    default: {},
    additionalProperties: { type: "string", enum: TOOL_PERMISSIONS },
    scope: "application",
    order: 24,
    markdownDescription: 'Per-tool overrides of the profile, e.g. `{ "run_command": "deny" }`. User settings only.',
  },
  "pincer.agent.sandbox": {
    type: "string",
    enum: COMMAND_SANDBOX_SETTINGS,
    enumDescriptions: [
      "Run agent commands in the OS sandbox when there is one (Linux: bubblewrap; macOS: sandbox-exec); otherwise say so and run them under the command rules alone.",
      "Refuse agent commands when no sandbox is available.",
      "Never sandbox agent commands (for build tools the sandbox breaks); the command rules are then the only wall.",
    ],
    default: "auto",
    scope: "application",
    order: 25,
    markdownDescription:
      "The OS sandbox for agent commands: the workspace is writable except `.git`, `.vscode`, `.pincer` and `*.code-workspace`, the rest of the system is read-only, HOME and `/tmp` are private, and there is no network unless you approve a command that asks for it. The status bar and every command's approval card say whether commands are sandboxed. User settings only: a workspace cannot turn it off.",
  },
  "pincer.index.enabled": {
    type: "boolean",
    default: true,
    order: 30,
    markdownDescription:
      "Keep a codebase index of the workspace (in Pincer's storage, never in the workspace) for `@codebase` in the chat, the agent's `search_code` and completion context.",
  },
  "pincer.index.embeddingModel": {
    type: "string",
    default: "",
    order: 31,
    markdownDescription:
      "A GGUF embedding model for searching by meaning (a path, `hf:` URI or URL), e.g. `hf:nomic-ai/nomic-embed-text-v1.5-GGUF/nomic-embed-text-v1.5.Q8_0.gguf` (about 146 MB; download it with **Pincer: Download Model…** or `pincer download`). Empty: keyword search only.",
  },
  "pincer.index.pauseOnBattery": {
    type: "boolean",
    default: true,
    order: 32,
    markdownDescription: "Background indexing waits while the machine runs on battery (detected on Linux and macOS).",
  },
  "pincer.index.maxFileKb": { type: "integer", default: 1024, minimum: 1, order: 33, description: "Files larger than this many KiB are not indexed." },
  "pincer.mcp.servers": {
    type: "object",
    default: {},
    additionalProperties: { type: "object" },
    scope: "application",
    order: 40,
    markdownDescription:
      'MCP servers, in the `servers` shape of VS Code\'s `mcp.json`: `{ "name": { "command": "npx", "args": [...], "env": {...} } }` or `{ "name": { "type": "http", "url": "http://127.0.0.1:3001/mcp", "headers": {...} } }`. Values may use `${input:id}` (asked once, kept in SecretStorage). A workspace\'s `.vscode/mcp.json` adds servers that start only after you approve their exact command, arguments, environment names and URL. User settings only.',
  },
  "pincer.mcp.tools": {
    type: "object",
    default: {},
    additionalProperties: { type: "string", enum: MCP_TOOL_SETTINGS },
    scope: "application",
    order: 41,
    markdownDescription:
      'Per-server and per-tool rules for MCP tools, by `"server"` or `"server/tool"` (the tool\'s rule wins): `allow`, `ask` (the default), `deny`, or `off` (not offered to the agent). User settings only.',
  },
  "pincer.mcp.readOnlyHint": {
    type: "object",
    default: {},
    additionalProperties: { type: "string", enum: MCP_READ_ONLY_HINT_SETTINGS },
    scope: "application",
    order: 42,
    markdownDescription:
      'Per server: `trust` lets its tools annotated `readOnlyHint` run without asking (the annotation is the server\'s word, not proof). Default `ignore`: every tool asks. User settings only.',
  },
  "pincer.remote.completion.url": {
    type: "string",
    default: "",
    scope: "application",
    order: 50,
    markdownDescription:
      "An OpenAI-compatible server (llama-server, vLLM, Ollama, LM Studio) that answers inline completions instead of the local model, e.g. `https://gpu.team.lan:8443`. Empty: the local model. Pincer asks you once before it connects to a server; plain `http://` is accepted only for loopback and private addresses. The API key is kept in VS Code's secret storage (**Pincer: Set Remote API Key…**), never in settings. User settings only.",
  },
  "pincer.remote.completion.model": {
    type: "string",
    default: "",
    scope: "application",
    order: 51,
    markdownDescription: "The model name to ask the remote completion server for (one of its `/v1/models`). Empty: the server's first model.",
  },
  "pincer.remote.chat.url": {
    type: "string",
    default: "",
    scope: "application",
    order: 52,
    markdownDescription:
      "An OpenAI-compatible server (llama-server, vLLM, Ollama, LM Studio) that answers the chat and code actions instead of the local model, e.g. `https://gpu.team.lan:8443`. Empty: the local model. Pincer asks you once before it connects to a server; plain `http://` is accepted only for loopback and private addresses. The API key is kept in VS Code's secret storage (**Pincer: Set Remote API Key…**), never in settings. User settings only.",
  },
  "pincer.remote.chat.model": {
    type: "string",
    default: "",
    scope: "application",
    order: 53,
    markdownDescription: "The model name to ask the remote chat server for (one of its `/v1/models`). Empty: the server's first model.",
  },
  "pincer.remote.agent.url": {
    type: "string",
    default: "",
    scope: "application",
    order: 54,
    markdownDescription:
      "An OpenAI-compatible server (llama-server, vLLM, Ollama, LM Studio) that answers the agent instead of the local model, e.g. `https://gpu.team.lan:8443`. Empty: the local model. Pincer asks you once before it connects to a server; plain `http://` is accepted only for loopback and private addresses. The API key is kept in VS Code's secret storage (**Pincer: Set Remote API Key…**), never in settings. User settings only.",
  },
  "pincer.api.enabled": {
    type: "boolean",
    default: false,
    scope: "application",
    order: 70,
    markdownDescription:
      "Offer the loaded model to other local tools as an OpenAI-compatible API (the same as `pincer serve --http`) on `127.0.0.1` while VS Code runs; it stops with Pincer's server. Every request needs the bearer token in the file the status bar's tooltip names (mode 0600, shared with `pincer serve --http`). Loopback only: for another machine run `pincer serve --http --host … --tls`. User settings only.",
  },
  "pincer.api.port": {
    type: "integer",
    default: 8177,
    minimum: 1,
    maximum: 65535,
    scope: "application",
    order: 71,
    markdownDescription: "The port of the API `pincer.api.enabled` starts, on `127.0.0.1`. User settings only.",
  },
  "pincer.chat.language": {
    type: "string",
    enum: CHAT_LANGUAGE_SETTINGS,
    enumDescriptions: ["The language of VS Code's UI (Simplified Chinese when VS Code shows Chinese; otherwise the language you write in).", "English.", "Simplified Chinese."],
    default: "auto",
    order: 26,
    markdownDescription: "The language the chat answers in. `auto`: VS Code's display language (in the CLI: `LC_ALL`, `LC_MESSAGES` or `LANG`).",
  },
  "pincer.remote.agent.model": {
    type: "string",
    default: "",
    scope: "application",
    order: 55,
    markdownDescription: "The model name to ask the remote agent server for (one of its `/v1/models`). Empty: the server's first model.",
  },
  "pincer.voice.model": {
    type: "string",
    default: "base",
    order: 65,
    markdownDescription:
      "Speech model for **Pincer: Dictate**: `base` (Whisper base, multilingual, 148 MB), `small` (488 MB, better Chinese, about 3× slower) or the path of a whisper.cpp ggml `.bin` file. Downloaded only after you agree; audio never leaves this machine.",
  },
  "pincer.voice.language": {
    type: "string",
    enum: ["auto", "zh", "en"],
    default: "auto",
    order: 66,
    markdownDescription: "Language of dictation: `auto` detects it (Chinese, English, or a mix), `zh` or `en` fix it.",
  },
  "pincer.voice.recorder": {
    type: "string",
    enum: ["auto", "arecord", "sox", "ffmpeg"],
    default: "auto",
    order: 67,
    markdownDescription: "Program that records the microphone: `auto` takes the first found (Linux: arecord, sox, ffmpeg; macOS and Windows: sox, ffmpeg).",
  },
  "pincer.voice.silenceSeconds": {
    type: "number",
    default: 1.5,
    minimum: 0.5,
    maximum: 10,
    order: 68,
    markdownDescription: "Seconds of silence after speech that end a dictation.",
  },
} as const satisfies Record<`pincer.${string}`, SettingSchema>;

export type SettingKey = keyof typeof SETTINGS_SCHEMA;
export const SETTING_KEYS = Object.keys(SETTINGS_SCHEMA) as SettingKey[];
