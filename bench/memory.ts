// bench/memory: resident memory (RSS, from /proc/<pid>/status) of one warm model, in one run, for
//   - Pincer: the bundled server (dist/server/main.mjs serve --stdio) over a real LSP connection;
//   - llama.cpp's llama-server built from node-llama-cpp's bundled source (test/support/llama-server-build.ts),
//     one slot, the same model, context size and thread count,
// after each phase a person goes through: the model loaded, one inline completion, a long chat
// (several turns that fill most of the window) and an agent run (JSON answers under a grammar).
// llama-server has no agent: its "agent" phase is a JSON-schema-constrained completion of the same
// length, and its chat turns go to /completion as plain text (the synthetic model has no template).
// Each figure is read once the process's RSS has stopped growing (background work done). GPU memory
// is read from nvidia-smi per process when there is one. The table ends with Pincer ÷ llama-server.
//
// Usage: node --import tsx bench/memory.ts [--model PATH] [--context-size N] [--threads N]
//   [--targets pincer,llama-server,llama-server-slots] [--chat-turns N] [--setting key=value ...] [--build]
// llama-server-slots is llama-server with a slot per feature (-np 3, each the full window): the same
// usable context per feature that Pincer's features keep warm side by side.
// --setting passes a Pincer setting (JSON value), e.g. --setting memory.kvCacheType='"q8_0"'.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { InlineCompletionRequest, InlineCompletionTriggerKind } from "vscode-languageserver-protocol";
import { DidOpenTextDocumentNotification } from "vscode-languageserver-protocol/node";
import { AgentRunRequest, ChatRequest, ChatStoreRequest, DEFAULT_SETTINGS, type PincerSettings } from "../server/src/protocol";
import { startTestServer, SERVER_BUNDLE } from "../test/support/lsp-client";
import { ensureLlamaServer } from "../test/support/llama-server-build";
import { writeSyntheticModel } from "../test/support/synthetic-model";
import { log } from "./completion/session";
import { REPO_ROOT } from "./sessions/record";

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    "context-size": { type: "string", default: "8192" },
    threads: { type: "string", default: "1" },
    targets: { type: "string", default: "pincer,llama-server,llama-server-slots" },
    "chat-turns": { type: "string", default: "4" },
    setting: { type: "string", multiple: true },
    build: { type: "boolean", default: false },
  },
});
const contextSize = Number(values["context-size"]);
const threads = Number(values.threads);
const chatTurns = Number(values["chat-turns"]);
const PHASES = ["load", "completion", "chat", "agent"] as const;
type Phase = (typeof PHASES)[number];

interface Sample {
  rssMb: number;
  anonMb: number;
  fileMb: number;
  gpuMb?: number;
}
type Samples = Partial<Record<Phase, Sample>>;

function mb(kb: string | undefined): number {
  return Math.round(Number(kb ?? 0) / 1024);
}

function gpuMb(pid: number): number | undefined {
  const result = spawnSync("nvidia-smi", ["--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits"], { encoding: "utf8" });
  if (result.status !== 0) return undefined;
  const line = result.stdout.split("\n").find((l) => l.split(",")[0]?.trim() === String(pid));
  return line ? Number(line.split(",")[1]) : 0;
}

function sample(pid: number): Sample {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1];
  return { rssMb: mb(field("VmRSS")), anonMb: mb(field("RssAnon")), fileMb: mb(field("RssFile")), gpuMb: gpuMb(pid) };
}

/** RSS once it has stopped changing by more than 1 MB for a second (background work settled); at most 15 s. */
async function settled(pid: number): Promise<Sample> {
  let last = sample(pid);
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = sample(pid);
    if (Math.abs(now.rssMb - last.rssMb) <= 1) return now;
    last = now;
  }
  return last;
}

/** A source file as the document being edited, and long texts for the chat turns. */
const SOURCE = readFileSync(path.join(REPO_ROOT, "server", "src", "engine", "engine.ts"), "utf8");
const CHAT_TEXTS = [
  readFileSync(path.join(REPO_ROOT, "server", "src", "engine", "sequence.ts"), "utf8"),
  readFileSync(path.join(REPO_ROOT, "server", "src", "engine", "token-stream.ts"), "utf8"),
  readFileSync(path.join(REPO_ROOT, "server", "src", "completion", "completion-session.ts"), "utf8"),
  readFileSync(path.join(REPO_ROOT, "server", "src", "chat", "chat-service.ts"), "utf8"),
];
/** About 1,400 tokens per turn (the tokenizer makes ~3.5 characters a token of code). */
const TURN_CHARS = Math.min(5000, Math.floor((contextSize * 3.5) / (chatTurns + 2)));
function chatMessage(turn: number): string {
  return `Explain this code:\n\n${CHAT_TEXTS[turn % CHAT_TEXTS.length]!.slice(0, TURN_CHARS)}`;
}
/** Where the cursor sits: the middle of a line in the middle of the file. */
const CURSOR = SOURCE.indexOf("const context = await withBaseThreads");

function position(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

function parseSettings(): Partial<PincerSettings> {
  const settings: Record<string, unknown> = {};
  for (const entry of values.setting ?? []) {
    const eq = entry.indexOf("=");
    if (eq < 1) throw new Error(`--setting ${entry}: use key=value`);
    const keys = entry.slice(0, eq).split(".");
    let target = settings;
    for (const key of keys.slice(0, -1)) target = (target[key] ??= { ...((DEFAULT_SETTINGS as unknown as Record<string, Record<string, unknown>>)[key] ?? {}) }) as Record<string, unknown>;
    target[keys.at(-1)!] = JSON.parse(entry.slice(eq + 1));
  }
  return settings as Partial<PincerSettings>;
}

async function benchPincer(modelPath: string): Promise<Samples> {
  const temp = mkdtempSync(path.join(os.tmpdir(), "pincer-bench-memory-"));
  const workspace = path.join(temp, "ws");
  mkdirSync(workspace);
  writeFileSync(path.join(workspace, "engine.ts"), SOURCE);
  const extra = parseSettings();
  const server = await startTestServer({
    settings: {
      model: modelPath,
      threads,
      contextSize,
      ...extra,
      completion: { ...DEFAULT_SETTINGS.completion, maxTokens: 16, debounceMs: 0, ...extra.completion },
      agent: { ...DEFAULT_SETTINGS.agent, maxSteps: 3, ...extra.agent },
    },
    env: { PINCER_CACHE_DIR: temp },
    workspaceFolders: [workspace],
  });
  const pid = server.process.pid!;
  const samples: Samples = {};
  try {
    const ready = await server.waitForStatus((s) => s.state === "ready" || s.state === "error", "ready", 300_000);
    if (ready.state !== "ready") throw new Error(`the server did not load the model: ${ready.message}`);
    samples.load = await settled(pid);
    log(`pincer: loaded, ${samples.load.rssMb} MB`);

    const uri = `file://${path.join(workspace, "engine.ts")}`;
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "typescript", version: 1, text: SOURCE } });
    await server.connection.sendRequest(InlineCompletionRequest.type, {
      textDocument: { uri },
      position: position(SOURCE, CURSOR),
      context: { triggerKind: InlineCompletionTriggerKind.Automatic },
    });
    samples.completion = await settled(pid);
    log(`pincer: after a completion, ${samples.completion.rssMb} MB`);

    await server.connection.sendRequest(ChatStoreRequest, { dir: path.join(temp, "history"), key: Buffer.alloc(32, 7).toString("base64") });
    let conversationId: string | undefined;
    for (let turn = 0; turn < chatTurns; turn++) {
      const result = await server.connection.sendRequest(ChatRequest, { id: `chat-${turn}`, message: chatMessage(turn), conversationId, maxTokens: 32 });
      conversationId = result.conversationId;
    }
    samples.chat = await settled(pid);
    log(`pincer: after ${chatTurns} chat turns, ${samples.chat.rssMb} MB`);

    const run = await server.connection.sendRequest(AgentRunRequest, { id: "memory-run", request: "Read engine.ts and say what Engine.load does.", profile: "read-only" });
    samples.agent = await settled(pid);
    log(`pincer: after an agent run (${run.status}), ${samples.agent.rssMb} MB`);
    return samples;
  } finally {
    await server.stop();
    rmSync(temp, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as import("node:net").AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function post(url: string, body: object): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/**
 * llama-server with one slot (every feature shares one cache and evicts the others' prompts), or with
 * `slots` = 3, a slot per feature (completion, chat, agent: each keeps its prompt warm, as Pincer's
 * features do), each slot the full window.
 */
async function benchLlamaServer(modelPath: string, slots: 1 | 3): Promise<Samples> {
  const binary = ensureLlamaServer(log);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const slotOf = (feature: 0 | 1 | 2) => (slots === 3 ? { id_slot: feature } : {});
  const name = slots === 3 ? "llama-server (3 slots)" : "llama-server";
  const args = ["-m", modelPath, "-c", String(contextSize * slots), "-np", String(slots), "-t", String(threads), "-ngl", "0", "--host", "127.0.0.1", "--port", String(port)];
  const child: ChildProcess = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const pid = child.pid!;
  const samples: Samples = {};
  try {
    const deadline = performance.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`llama-server exited with ${child.exitCode}: ${stderr}`);
      if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) break;
      if (performance.now() > deadline) throw new Error("llama-server did not become healthy");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    samples.load = await settled(pid);
    log(`${name}: loaded, ${samples.load.rssMb} MB`);
    await post(`${url}/infill`, { input_prefix: SOURCE.slice(0, CURSOR), input_suffix: SOURCE.slice(CURSOR), prompt: "", n_predict: 16, cache_prompt: true, ...slotOf(0) });
    samples.completion = await settled(pid);
    log(`${name}: after a completion, ${samples.completion.rssMb} MB`);
    let conversation = "";
    for (let turn = 0; turn < chatTurns; turn++) {
      conversation += `\nUser: ${chatMessage(turn)}\nAssistant:`;
      const answer = await post(`${url}/completion`, { prompt: conversation, n_predict: 32, cache_prompt: true, ...slotOf(1) });
      conversation += String(answer.content ?? "");
    }
    samples.chat = await settled(pid);
    log(`${name}: after ${chatTurns} chat turns, ${samples.chat.rssMb} MB`);
    const schema = { type: "object", properties: { tool: { type: "string", enum: ["read_file", "finish"] }, path: { type: "string" } }, required: ["tool"] };
    for (let step = 0; step < 3; step++) {
      await post(`${url}/completion`, { prompt: `${SOURCE.slice(0, 6000)}\nNext step as JSON:`, n_predict: 64, json_schema: schema, cache_prompt: true, ...slotOf(2) });
    }
    samples.agent = await settled(pid);
    log(`${name}: after the agent-like steps, ${samples.agent.rssMb} MB`);
    return samples;
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once("exit", resolve)));
  }
}

/**
 * bench/completion's synthetic 135M FIM model, trained window 8,192: with the preset's 2,048
 * llama-server allocates an 8k cache but lets its slot use only 2,048 tokens (it caps the slot at the
 * trained window), which is not the same usable context.
 */
async function defaultModel(): Promise<string> {
  const file = path.join(REPO_ROOT, "bench", ".cache", "synthetic-135m-q8_0-fim-8k.gguf");
  if (existsSync(file)) return file;
  mkdirSync(path.dirname(file), { recursive: true });
  log(`writing the synthetic 135M FIM model (8k window) to ${path.relative(REPO_ROOT, file)} (once)…`);
  await writeSyntheticModel({ out: file, preset: "135m", shape: { contextLength: 8192 }, type: "q8_0", fim: true });
  return file;
}

function ensureBundle(): void {
  if (existsSync(SERVER_BUNDLE) && !values.build) return;
  const result = spawnSync("npm", ["run", "build"], { cwd: REPO_ROOT, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) throw new Error("npm run build failed");
}

function cell(sample: Sample | undefined): string {
  if (!sample) return "—";
  return `${sample.rssMb} (anon ${sample.anonMb}, file ${sample.fileMb}${sample.gpuMb !== undefined ? `, GPU ${sample.gpuMb}` : ""})`;
}

const TARGETS = ["pincer", "llama-server", "llama-server-slots"] as const;
type TargetName = (typeof TARGETS)[number];

async function main(): Promise<void> {
  const modelPath = path.resolve(values.model ?? (await defaultModel()));
  const targets = values.targets.split(",") as TargetName[];
  for (const t of targets) if (!TARGETS.includes(t)) throw new Error(`unknown target ${t}: use ${TARGETS.join(", ")}`);
  const results: Partial<Record<TargetName, Samples>> = {};
  if (targets.includes("pincer")) {
    ensureBundle();
    results.pincer = await benchPincer(modelPath);
  }
  if (targets.includes("llama-server")) results["llama-server"] = await benchLlamaServer(modelPath, 1);
  if (targets.includes("llama-server-slots")) results["llama-server-slots"] = await benchLlamaServer(modelPath, 3);

  const settings = (values.setting ?? []).join(" ");
  console.log(`\n${path.basename(modelPath)}, context ${contextSize}, ${threads} thread(s)${settings ? `, Pincer settings: ${settings}` : ""}; ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log("RSS in MB (anon + file-backed; the model file is mapped). llama-server: one slot; 3 slots: a slot per feature.");
  console.log("\n| after | Pincer | llama-server | Pincer ÷ llama-server | llama-server, 3 slots | Pincer ÷ 3 slots |");
  console.log("|---|---|---|---|---|---|");
  const ratio = (p?: Sample, l?: Sample) => (p && l ? `${(p.rssMb / l.rssMb).toFixed(2)}×` : "—");
  for (const phase of PHASES) {
    const p = results.pincer?.[phase];
    const l = results["llama-server"]?.[phase];
    const l3 = results["llama-server-slots"]?.[phase];
    console.log(`| ${phase} | ${cell(p)} | ${cell(l)} | ${ratio(p, l)} | ${cell(l3)} | ${ratio(p, l3)} |`);
  }
  const resultsDir = path.join(REPO_ROOT, "bench", "results");
  mkdirSync(resultsDir, { recursive: true });
  const out = path.join(resultsDir, `memory-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(out, JSON.stringify({ model: modelPath, contextSize, threads, settings: values.setting ?? [], results }, null, 1));
  log(`results: ${path.relative(REPO_ROOT, out)}`);
}

await main();
process.exit(0);
