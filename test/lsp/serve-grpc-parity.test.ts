// gRPC parity with the REST API: tools in Chat, Embed, and the workspace routes (Ocr, RunAgent as a
// server stream of agent events) over the same checked operations: the same refusals, the same
// confinement, the same headless approvals (ask = deny).
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import type { AgentEvent, Transcript } from "../../server/src/protocol";
import { makeApiWorkspace, startApiProcess, type ApiProcess } from "../support/api-server";
import { grpcClient, grpcStream, grpcUnary, type PincerGrpcClient } from "../support/grpc-client";
import { allowLoopbackClients } from "../support/loopback-clients";
import { requireTestModel } from "../support/test-model";

const plan = (...steps: string[]) => ({ plan: steps });
const call = (tool: string, args: Record<string, unknown>) => ({ thought: `use ${tool}`, tool, args });
const finish = call("finish", { summary: "done", verified: "nothing" });
const weather = { name: "get_weather", description: "Current weather in a city", parameters: JSON.stringify({ type: "object", properties: { city: { type: "string" } }, required: ["city"] }) };

interface ChatChunk {
  text: string;
  finish_reason: string;
  tool_calls: { id: string; name: string; arguments: string }[];
}

describe("pincer serve --http --grpc-port: parity with the REST API", function () {
  this.timeout(180_000);
  allowLoopbackClients();
  let api: ApiProcess;
  let client: PincerGrpcClient;
  let ws: string;
  let outside: string;
  let scriptFile: string;
  const auth = () => {
    const metadata = new grpc.Metadata();
    metadata.set("authorization", `Bearer ${api.token}`);
    return metadata;
  };
  const refusedWith = (code: grpc.status, message?: RegExp) => (error: grpc.ServiceError) => {
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.details, message);
    return true;
  };

  before(async function () {
    const model = requireTestModel(this);
    ({ ws, outside, scriptFile } = await makeApiWorkspace("pincer-grpc-ws-"));
    api = await startApiProcess(model, ["--grpc-port", "0", "--embedding-model", model, "--workspace", ws], { env: { PINCER_AGENT_SCRIPT: scriptFile }, settings: { "pincer.agent.profile": "edit" } });
    client = grpcClient(api.facts.grpc!, grpc.credentials.createInsecure());
  });
  after(async () => {
    client?.close();
    await api?.stop();
  });

  it("Chat takes tools: the last chunk carries finish_reason and any tool calls", async () => {
    const chunks = await grpcStream<ChatChunk>(client, "Chat", { messages: [{ role: "user", content: "Weather in Paris?" }], tools: [weather], max_tokens: 8 }, auth());
    const last = chunks.at(-1)!;
    assert.ok(["stop", "length", "tool_calls"].includes(last.finish_reason), JSON.stringify(last));
    if (last.finish_reason === "tool_calls") {
      assert.ok(last.tool_calls.length > 0);
      assert.equal(typeof JSON.parse(last.tool_calls[0]!.arguments), "object");
    }
    const continued = await grpcStream<ChatChunk>(
      client,
      "Chat",
      {
        messages: [
          { role: "user", content: "Weather in Paris?" },
          { role: "assistant", content: "", tool_calls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }] },
          { role: "tool", tool_call_id: "call_1", content: '{"celsius": 21}' },
        ],
        tools: [weather],
        max_tokens: 6,
      },
      auth(),
    );
    assert.ok(["stop", "length", "tool_calls"].includes(continued.at(-1)!.finish_reason));
  });

  it("Chat refuses what REST refuses, with REST's reasons (INVALID_ARGUMENT)", async () => {
    const user = [{ role: "user", content: "Hi" }];
    const bad = (request: Record<string, unknown>, message: RegExp) => assert.rejects(grpcStream(client, "Chat", { messages: user, ...request }, auth()), refusedWith(grpc.status.INVALID_ARGUMENT, message));
    await bad({ tools: [{ name: "f", parameters: JSON.stringify({ type: "object", properties: { a: { $ref: "#/$defs/A" } } }) }] }, /keyword "\$ref" is not supported/);
    await bad({ tools: [weather], tool_choice: "required" }, /tool_choice may be "auto" or "none"/);
    await bad({ messages: [...user, { role: "tool", tool_call_id: "zz", content: "1" }], tools: [weather] }, /answers tool call "zz"/);
    await bad({ tools: [{ name: "f", parameters: "{not json" }] }, /parameters is not JSON/);
  });

  it("Embed gives the same unit vectors as /v1/embeddings", async () => {
    const answer = (await grpcUnary(client, "Embed", { input: ["function add(a, b)", "class Parser"] }, auth())) as { data: { vector: number[] }[]; model: string; prompt_tokens: number };
    assert.equal(answer.data.length, 2);
    assert.equal(answer.model, "llama-2-tiny-random");
    assert.ok(answer.prompt_tokens > 0);
    const norm = Math.hypot(...answer.data[0]!.vector);
    assert.ok(Math.abs(norm - 1) < 1e-3, String(norm));
    const rest = (await (
      await fetch(`${api.facts.url}/v1/embeddings`, { method: "POST", headers: { authorization: `Bearer ${api.token}`, "content-type": "application/json" }, body: JSON.stringify({ input: "function add(a, b)" }) })
    ).json()) as { data: { embedding: number[] }[] };
    assert.deepEqual(answer.data[0]!.vector.map((x) => x.toFixed(4)), rest.data[0]!.embedding.map((x) => x.toFixed(4)));
    await assert.rejects(grpcUnary(client, "Embed", { input: [] }, auth()), refusedWith(grpc.status.INVALID_ARGUMENT, /input must be/));
  });

  it("Ocr reads an image in the workspace and refuses one outside it, by path or link (CWE-22/CWE-59)", async () => {
    const answer = await grpcUnary(client, "Ocr", { path: "scan.png" }, auth());
    assert.equal(answer.path, "scan.png");
    assert.match(answer.markdown as string, /Invoice 4711/);
    assert.equal(answer.kind, "png");
    for (const file of ["../outside/secret.png", path.join(outside, "secret.png"), "link.png"]) {
      await assert.rejects(grpcUnary(client, "Ocr", { path: file }, auth()), refusedWith(grpc.status.PERMISSION_DENIED), file);
    }
  });

  it("RunAgent streams the run's events, then the transcript", async () => {
    await fs.writeFile(scriptFile, JSON.stringify([plan("edit notes"), call("edit_file", { path: "notes.txt", search: "alpha", replace: "beta" }), finish]));
    const updates = await grpcStream<{ event?: string; transcript?: string }>(client, "RunAgent", { task: "change alpha to beta in notes.txt" }, auth());
    const events = updates.filter((u) => u.event).map((u) => JSON.parse(u.event!) as AgentEvent);
    assert.equal(events[0]!.type, "run-start");
    assert.ok(updates.slice(0, -1).every((u) => !u.transcript), "the transcript comes last");
    const transcript = JSON.parse(updates.at(-1)!.transcript!) as Transcript;
    assert.equal(transcript.status, "finished", JSON.stringify(transcript));
    assert.deepEqual(transcript.changedPaths, ["notes.txt"]);
    assert.equal(await fs.readFile(path.join(ws, "notes.txt"), "utf8"), "beta\n");
  });

  it("RunAgent is headless: a step that needs approval is denied; a wider profile is PERMISSION_DENIED", async () => {
    await fs.writeFile(scriptFile, JSON.stringify([plan("run"), call("run_command", { command: "touch RAN" }), finish]));
    const updates = await grpcStream<{ event?: string; transcript?: string }>(client, "RunAgent", { task: "make a file" }, auth());
    assert.equal((JSON.parse(updates.at(-1)!.transcript!) as Transcript).status, "approval-needed");
    assert.equal(await fs.stat(path.join(ws, "RAN")).then(() => true, () => false), false, "the command did not run");
    await assert.rejects(grpcStream(client, "RunAgent", { task: "anything", profile: "full" }, auth()), refusedWith(grpc.status.PERMISSION_DENIED, /wider than this server's pincer\.agent\.profile \(edit\)/));
    await assert.rejects(grpcStream(client, "RunAgent", { task: "" }, auth()), refusedWith(grpc.status.INVALID_ARGUMENT));
  });
});
