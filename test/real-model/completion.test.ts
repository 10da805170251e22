// Inline completion on real weights over a real LSP connection (item 4 of issue 12). Gemma 3 270M
// has no fill-in-the-middle tokens, so it runs the prefix-only path: its suggestions on a real file
// are code, end at sensible places, and its prompt is the model's own start (BOS) plus as much of the
// prefix as the budget allows, counted with the real tokenizer. Qwen2.5-Coder runs the FIM path.
import assert from "node:assert/strict";
import { promises as fs, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { getLlama, type LlamaModel } from "node-llama-cpp";
import { InlineCompletionRequest, type InlineCompletionList } from "vscode-languageserver-protocol";
import { DidCloseTextDocumentNotification, DidOpenTextDocumentNotification } from "vscode-languageserver-protocol/node";
import { pathToFileURL } from "node:url";
import { completionBudget } from "../../server/src/completion/budget";
import { CompletionStatsRequest, type CompletionStat, type CompletionStatsResult, type PincerSettings } from "../../server/src/protocol";
import { startTestServer, type TestServer } from "../support/lsp-client";
import { repoRoot, requireRealModel, type RealModelId } from "../support/test-model";

const THREADS = 1;
const CONTEXT_SIZE = 2048;
const MAX_TOKENS = 48;
/** Real code from a pinned dependency (yaml, exact version in package-lock.json). */
const SMALL_FILE = path.join(repoRoot, "node_modules", "yaml", "dist", "compose", "compose-scalar.js");
const LARGE_FILE = path.join(repoRoot, "node_modules", "yaml", "dist", "parse", "lexer.js");
const CONTROL_TOKENS = ["<start_of_turn>", "<end_of_turn>", "<bos>", "<eos>", "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|file_sep|>"];

/** The server's debug line when a completion prompt window cuts something (lsp/inline-completion.ts). */
const CUT_LOG = /left out (\d+) characters before the cursor, (\d+) after it and (\d+) context chunk/;

interface Harness {
  server: TestServer;
  tokenizer: LlamaModel;
  dir: string;
  /** Opens `text` as workspace file `name` (the only open document unless others stay open). */
  open(name: string, text: string): Promise<string>;
  close(uri: string): Promise<void>;
  complete(uri: string, line: number, character: number): Promise<string>;
  stats(): Promise<CompletionStat[]>;
  dispose(): Promise<void>;
}

async function startHarness(modelPath: string, completion: Partial<PincerSettings["completion"]>): Promise<Harness> {
  const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-real-completion-")));
  const llama = await getLlama({ gpu: false, build: "never" });
  const tokenizer = await llama.loadModel({ modelPath, vocabOnly: true });
  const server = await startTestServer({
    settings: { model: modelPath, threads: THREADS, contextSize: CONTEXT_SIZE, modelsDir: dir, completion: { enabled: true, maxTokens: MAX_TOKENS, maxLines: 1, debounceMs: 0, model: "", firstSuggestionMs: 0, contextSize: CONTEXT_SIZE, ...completion } },
    env: { PINCER_CACHE_DIR: dir },
    workspaceFolders: [dir],
  });
  await server.waitForStatus((s) => s.state === "ready", "ready", 120_000);
  let version = 0;
  return {
    server,
    tokenizer,
    dir,
    async open(name, text) {
      const file = path.join(dir, name);
      await fs.writeFile(file, text);
      const uri = pathToFileURL(file).href;
      await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "javascript", version: ++version, text } });
      return uri;
    },
    async close(uri) {
      await server.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    },
    async complete(uri, line, character) {
      const result = (await server.connection.sendRequest(InlineCompletionRequest.type, { textDocument: { uri }, position: { line, character }, context: { triggerKind: 1 } })) as InlineCompletionList | null;
      const item = result?.items[0];
      return typeof item?.insertText === "string" ? item.insertText : "";
    },
    async stats() {
      return ((await server.connection.sendRequest(CompletionStatsRequest, {})) as CompletionStatsResult).stats;
    },
    async dispose() {
      await server.stop();
      await tokenizer.dispose();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** The file with line `line` held out (emptied): the cursor goes at its start, the rest stays as the suffix. */
function holdOut(lines: readonly string[], line: number): string {
  return [...lines.slice(0, line), "", ...lines.slice(line + 1)].join("\n");
}

/** Tokens of text as a piece of a prompt (no BOS, no added leading space), as the real tokenizer makes them. */
function pieceTokens(model: LlamaModel, text: string): number {
  return model.tokenize(text, false, "trimLeadingSpace").length;
}

describe("real model gemma3-270m: inline completion on the prefix-only path", function () {
  this.timeout(300_000);
  let harness: Harness;

  before(async function () {
    const modelPath = requireRealModel(this, "gemma3-270m" satisfies RealModelId);
    harness = await startHarness(modelPath, { maxLines: 4 });
  });

  after(async () => {
    await harness?.dispose();
  });

  it("lays the prompt out as BOS + the prefix, nothing else (no FIM tokens, no suffix)", async () => {
    const text = readFileSync(SMALL_FILE, "utf8");
    const lines = text.split("\n");
    const line = 20;
    const uri = await harness.open("layout.js", holdOut(lines, line));
    await harness.stats();
    await harness.complete(uri, line, 0);
    const [stat] = await harness.stats();
    await harness.close(uri);
    const prefix = lines.slice(0, line).join("\n") + "\n";
    assert.equal(harness.tokenizer.tokens.shouldPrependBosToken, true, "Gemma's GGUF asks for a BOS token");
    assert.equal(stat!.evaluatedPromptTokens + stat!.reusedTokens, 1 + pieceTokens(harness.tokenizer, prefix), "BOS + the prefix's tokens");
  });

  it("suggests code that ends at sensible places, and sometimes exactly the real next line", async () => {
    const text = readFileSync(SMALL_FILE, "utf8");
    const lines = text.split("\n");
    // Held-out lines (multi-line allowed: nothing follows the cursor on its line), then one position
    // inside a line (single line: text follows the cursor).
    const heldOut = [10, 25, 40, 47, 60, 72];
    const suggestions: { at: number; expected: string; got: string }[] = [];
    for (const line of heldOut) {
      const uri = await harness.open(`held-out-${line}.js`, holdOut(lines, line));
      suggestions.push({ at: line, expected: lines[line]!, got: await harness.complete(uri, line, 0) });
      await harness.close(uri);
    }
    const midLine = lines.findIndex((l, i) => i > 5 && /^\s+const \w+ = /.test(l));
    const uri = await harness.open("mid-line.js", text);
    const mid = await harness.complete(uri, midLine, lines[midLine]!.indexOf("=") + 2);
    await harness.close(uri);
    console.log(`      gemma3-270m suggestions: ${JSON.stringify([...suggestions.map((s) => s.got), mid])}`);

    const all = [...suggestions.map((s) => s.got), mid];
    assert.ok(all.filter((s) => s.trim() !== "").length >= all.length - 1, "the model suggests something at (nearly) every position");
    for (const got of all) {
      for (const marker of CONTROL_TOKENS) assert.ok(!got.includes(marker), `a suggestion contains ${marker}: ${JSON.stringify(got)}`);
      assert.ok(got.split("\n").length <= 4, "at most maxLines lines");
      // Ends at a sensible place: no line is cut inside a string literal (the token limit cuts lines).
      for (const l of got.split("\n")) assert.ok((l.replace(/\\./g, "").match(/['"`]/g) ?? []).length % 2 === 0, `a line ends inside a string: ${JSON.stringify(l)}`);
      // Code, not prose: nearly every character is one that JavaScript source is made of.
      const codeChars = got.replace(/[\w\s(){}[\];.,=:'"`+\-*/<>!&|?%^~@#$\\]/g, "");
      assert.ok(codeChars.length <= Math.ceil(got.length * 0.05), `not code-like: ${JSON.stringify(got)}`);
      // A multi-line suggestion never closes more blocks than it opens plus the one the cursor is in.
      const depth = [...got].reduce((d, c) => d + (c === "{" ? 1 : c === "}" ? -1 : 0), 0);
      assert.ok(depth >= -1, `closes ${-depth} blocks: ${JSON.stringify(got)}`);
    }
    assert.ok(!mid.includes("\n"), "in the middle of a line the suggestion stays on that line");
    const exact = suggestions.filter((s) => s.got.split("\n")[0]!.trim() === s.expected.trim()).length;
    assert.ok(exact >= 1, `at least one suggestion is exactly the file's next line (${exact} of ${suggestions.length})`);
  });

  it("fills the prefix-only budget of the real tokenizer, cut at a line start", async () => {
    const text = readFileSync(LARGE_FILE, "utf8");
    const lines = text.split("\n");
    const line = lines.length - 40;
    const uri = await harness.open("large.js", holdOut(lines, line));
    await harness.stats();
    harness.server.logs.length = 0;
    await harness.complete(uri, line, 0);
    const [stat] = await harness.stats();
    await harness.close(uri);
    const cut = await harness.server.waitForLog(CUT_LOG);
    const [, prefixChars, suffixChars, contextChunks] = CUT_LOG.exec(cut)!.map(Number);
    const prefix = lines.slice(0, line).join("\n") + "\n";
    const kept = prefix.slice(prefixChars);
    assert.ok(prefixChars! > 0, "the file is larger than the window");
    assert.equal(prefix[prefixChars! - 1], "\n", "the prefix window starts at a line start");
    assert.equal(suffixChars, holdOut(lines, line).length - prefix.length, "prefix-only: nothing after the cursor is shown");
    assert.equal(contextChunks, 0);
    const budget = completionBudget(CONTEXT_SIZE, MAX_TOKENS, { prefixOnly: true });
    const keptTokens = pieceTokens(harness.tokenizer, kept);
    const longestLine = Math.max(...kept.split("\n").map((l) => pieceTokens(harness.tokenizer, `${l}\n`)));
    assert.ok(keptTokens <= budget.prefixTokens, `${keptTokens} prefix tokens fit the budget of ${budget.prefixTokens}`);
    assert.ok(keptTokens > budget.prefixTokens - longestLine - 2, `${keptTokens} prefix tokens fill the budget of ${budget.prefixTokens} up to one line`);
    assert.equal(stat!.evaluatedPromptTokens + stat!.reusedTokens, 1 + keptTokens, "the prompt is BOS + the kept prefix");
  });
});

describe("real model qwen2.5-coder-0.5b: inline completion on the FIM path", function () {
  this.timeout(300_000);
  let harness: Harness;

  before(async function () {
    const modelPath = requireRealModel(this, "qwen2.5-coder-0.5b" satisfies RealModelId);
    harness = await startHarness(modelPath, { maxLines: 1 });
  });

  after(async () => {
    await harness?.dispose();
  });

  it("lays the prompt out as Qwen's FIM: <|fim_prefix|> prefix <|fim_suffix|> suffix <|fim_middle|>, no BOS (its GGUF asks for none)", async () => {
    const text = readFileSync(SMALL_FILE, "utf8");
    const lines = text.split("\n");
    const line = 60;
    const uri = await harness.open("fim.js", holdOut(lines, line));
    await harness.stats();
    harness.server.logs.length = 0;
    const got = await harness.complete(uri, line, 0);
    const [stat] = await harness.stats();
    await harness.close(uri);
    console.log(`      qwen2.5-coder-0.5b at ${line}:0 → ${JSON.stringify(got)} (real: ${JSON.stringify(lines[line])})`);
    const prefix = lines.slice(0, line).join("\n") + "\n";
    // The suffix window (15% of the budget) may cut the suffix at a line end; the server logs the cut.
    const cut = harness.server.logs.map((l) => CUT_LOG.exec(l)).find((m) => m !== null);
    const suffix = holdOut(lines, line).slice(prefix.length);
    const keptSuffix = suffix.slice(0, suffix.length - Number(cut?.[2] ?? 0));
    assert.equal(Number(cut?.[1] ?? 0), 0, "the whole prefix fits");
    assert.equal(harness.tokenizer.tokens.shouldPrependBosToken, false);
    assert.equal(stat!.evaluatedPromptTokens + stat!.reusedTokens, 3 + pieceTokens(harness.tokenizer, prefix) + pieceTokens(harness.tokenizer, keptSuffix), "three FIM tokens + prefix + suffix");
    assert.equal(got.trim(), lines[line]!.trim(), "the real next line");
  });
});
