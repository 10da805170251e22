// bench/remote: the same model answering in process (node-llama-cpp) and as a remote engine
// (llama-server on 127.0.0.1, built from the same llama.cpp source by test/support/llama-server-build.ts).
// Prints median and p90 latency of inline completions and of chat turns (first text, whole turn) for
// each. Numbers, not assertions. Both sides run on the same threads and context size.
// Usage: node --import tsx bench/remote.ts [--model PATH] [--runs N] [--threads N] [--tokens N]
import { parseArgs } from "node:util";
import { engineChatModel, type ChatModel } from "../server/src/chat/chat-model";
import { completeAt } from "../server/src/completion/complete";
import { Engine } from "../server/src/engine/engine";
import { parseEndpoint } from "../server/src/remote/endpoint";
import { OpenAiClient } from "../server/src/remote/openai-client";
import { RemoteChatModel } from "../server/src/remote/remote-chat";
import { RemoteCompleter } from "../server/src/remote/remote-completion";
import { RemoteEngine } from "../server/src/remote/remote-engine";
import { ensureLlamaServer } from "../test/support/llama-server-build";
import { startLlamaServer } from "../test/support/llama-server";
import { TEST_MODEL_PATH } from "../test/support/test-model";

const { values } = parseArgs({ options: { model: { type: "string" }, runs: { type: "string", default: "20" }, threads: { type: "string", default: "1" }, tokens: { type: "string", default: "16" } } });
const model = (values.model as string | undefined) ?? TEST_MODEL_PATH;
const runs = Number(values.runs);
const threads = Number(values.threads);
const maxTokens = Number(values.tokens);
const CONTEXT = 2048;
const NEVER = new AbortController().signal;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))]!;
const fmt = (xs: number[]) => `median ${median(xs).toFixed(1)} ms, p90 ${p90(xs).toFixed(1)} ms`;

const SOURCE = Array.from({ length: 60 }, (_, i) => `export function f${i}(a: number, b: number): number {\n  return a * ${i} + b;\n}\n`).join("\n");

/** A different cursor each run (the end of one function's first line), as typing moves on. */
function cursor(run: number): number {
  const marker = `export function f${run % 60}(a: number, b: number): number {\n  return `;
  return SOURCE.indexOf(marker) + marker.length;
}

async function chatTimes(chat: ChatModel): Promise<{ first: number[]; total: number[] }> {
  const first: number[] = [];
  const total: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    let firstAt: number | undefined;
    await chat.chatTurns(
      [
        { role: "system", text: "You are a helpful assistant." },
        { role: "user", text: `Question ${run}: what does f${run} return?` },
      ],
      { maxTokens, signal: NEVER, onText: () => void (firstAt ??= performance.now()) },
    );
    total.push(performance.now() - started);
    first.push((firstAt ?? performance.now()) - started);
  }
  return { first, total };
}

async function main(): Promise<void> {
  const binary = ensureLlamaServer();
  process.stderr.write(`model ${model}, ${threads} thread(s), context ${CONTEXT}, ${maxTokens} tokens per answer, ${runs} runs\n`);

  const engine = await Engine.load({ modelPath: model, settings: { gpu: "off", gpuLayers: 0, threads, contextSize: CONTEXT }, log: () => undefined, signal: NEVER, slots: ["completion", "chat"] });
  const localCompletion: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await completeAt(engine, { text: SOURCE, offset: cursor(run), maxTokens, maxLines: 1, uri: "file:///bench.ts", path: "bench.ts", languageId: "typescript", signal: NEVER });
    localCompletion.push(performance.now() - started);
  }
  const localChat = await chatTimes(engineChatModel(engine));
  await engine.dispose();

  const server = await startLlamaServer(binary, model, { contextSize: CONTEXT, threads });
  try {
    const remote = await RemoteEngine.connect(new OpenAiClient(parseEndpoint(server.url), undefined), "", NEVER);
    const completer = new RemoteCompleter(remote);
    const remoteCompletion: number[] = [];
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      await completer.complete({ text: SOURCE, offset: cursor(run), maxTokens, maxLines: 1, uri: "file:///bench.ts", path: "bench.ts", languageId: "typescript", signal: NEVER });
      remoteCompletion.push(performance.now() - started);
    }
    const remoteChat = await chatTimes(new RemoteChatModel(remote));
    const infill = remote.unsupported.has("infill") ? "/v1/completions (the model has no FIM tokens)" : "/infill";
    process.stdout.write(
      [
        `completion  in-process:                ${fmt(localCompletion)}`,
        `completion  remote (llama-server ${infill}): ${fmt(remoteCompletion)}`,
        `chat first text  in-process:           ${fmt(localChat.first)}`,
        `chat first text  remote (SSE):         ${fmt(remoteChat.first)}`,
        `chat whole turn  in-process:           ${fmt(localChat.total)}`,
        `chat whole turn  remote (SSE):         ${fmt(remoteChat.total)}`,
      ].join("\n") + "\n",
    );
  } finally {
    await server.stop();
  }
}

await main();
