// The agent's remote model against stand-in OpenAI-compatible servers on loopback: what it sends
// (the strict step schema as llama-server's json_schema, or response_format elsewhere), and the
// fallback when a server takes neither (validate, ask again, say so once).
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { grantEgress, type EgressPermit } from "../platform/egress-guard";
import { parseEndpoint } from "./endpoint";
import { OpenAiClient } from "./openai-client";
import { RemoteAgentModel, strictSchema } from "./remote-agent-model";
import { RemoteEngine } from "./remote-engine";

const NEVER = new AbortController().signal;
const SCHEMA = { oneOf: [{ type: "object", properties: { thought: { type: "string" }, tool: { const: "finish" }, args: { type: "object", properties: { summary: { type: "string" } } } } }] };

/** An OpenAI-compatible stand-in: /v1/models, no /props, and /v1/chat/completions answered by `answer`. */
async function standIn(
  answer: (body: Record<string, unknown>) => { status: number; text?: string; error?: string },
  llamaServer = false,
): Promise<{ url: string; bodies: Record<string, unknown>[]; paths: string[]; close: () => void }> {
  const bodies: Record<string, unknown>[] = [];
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      if (req.url === "/v1/models") return res.end(JSON.stringify({ data: [{ id: "m", max_model_len: 4096 }] }));
      // llama-server: /props reports its context; /apply-template renders the messages (here: role: text lines).
      if (llamaServer && req.url === "/props") return res.end(JSON.stringify({ default_generation_settings: { n_ctx: 2048 } }));
      if (llamaServer && req.url === "/apply-template") {
        const { messages } = JSON.parse(raw) as { messages: { role: string; content: string }[] };
        return res.end(JSON.stringify({ prompt: `${messages.map((m) => `${m.role}: ${m.content}\n`).join("")}assistant: ` }));
      }
      if (req.url !== "/v1/chat/completions" && !(llamaServer && req.url === "/v1/completions")) {
        res.statusCode = 404;
        return res.end(JSON.stringify({ error: { message: "not found" } }));
      }
      const body = JSON.parse(raw) as Record<string, unknown>;
      bodies.push(body);
      paths.push(req.url);
      const reply = answer(body);
      if (reply.status !== 200) {
        res.statusCode = reply.status;
        return res.end(JSON.stringify({ error: { message: reply.error } }));
      }
      res.setHeader("content-type", "text/event-stream");
      const piece = (content: string) => (req.url === "/v1/completions" ? { text: content } : { delta: { content } });
      res.write(`data: ${JSON.stringify({ choices: [{ ...piece(reply.text ?? ""), finish_reason: null }] })}\n\n`);
      res.write(`data: ${JSON.stringify({ choices: [{ ...piece(""), finish_reason: "stop" }] })}\n\n`);
      res.end("data: [DONE]\n\n");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies, paths, close: () => server.close() };
}

/**
 * An Ollama stand-in: /api/version, native /api/chat (NDJSON stream, `format` a JSON schema from
 * 0.5.0 on), and an OpenAI-compatible /v1/chat/completions that, like Ollama before 0.5, takes
 * response_format without error but does not enforce it (answers `loose`).
 */
async function ollamaStandIn(
  version: string,
  native: (body: Record<string, unknown>) => { status: number; text?: string; error?: string },
  loose: string,
): Promise<{ url: string; requests: { path: string; body: Record<string, unknown> }[]; close: () => void }> {
  const requests: { path: string; body: Record<string, unknown> }[] = [];
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      if (req.url === "/v1/models") return res.end(JSON.stringify({ object: "list", data: [{ id: "qwen2.5-coder:7b", object: "model", owned_by: "library" }] }));
      if (req.url === "/api/version") return res.end(JSON.stringify({ version }));
      if (req.url !== "/api/chat" && req.url !== "/v1/chat/completions") {
        res.statusCode = 404;
        return res.end("404 page not found");
      }
      const body = JSON.parse(raw) as Record<string, unknown>;
      requests.push({ path: req.url, body });
      if (req.url === "/v1/chat/completions") {
        res.setHeader("content-type", "text/event-stream");
        res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: loose }, finish_reason: null }] })}\n\n`);
        res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: "" }, finish_reason: "stop" }] })}\n\n`);
        return res.end("data: [DONE]\n\n");
      }
      const reply = native(body);
      if (reply.status !== 200) {
        res.statusCode = reply.status;
        return res.end(JSON.stringify({ error: reply.error }));
      }
      res.setHeader("content-type", "application/x-ndjson");
      const text = reply.text ?? "";
      const half = Math.floor(text.length / 2);
      for (const piece of [text.slice(0, half), text.slice(half)]) res.write(`${JSON.stringify({ model: body.model, message: { role: "assistant", content: piece }, done: false })}\n`);
      res.end(`${JSON.stringify({ model: body.model, message: { role: "assistant", content: "" }, done: true, done_reason: "stop", prompt_eval_count: 30, eval_count: 12 })}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => server.close() };
}

describe("remote agent model", () => {
  // Other suites install the egress guard process-wide; this suite is a client of its own stand-ins.
  let permit: EgressPermit;
  before(() => (permit = grantEgress("test: stand-in servers")));
  after(() => permit.release());

  it("makes every object's properties required (standard JSON Schema reads unlisted required as optional)", () => {
    const strict = strictSchema(SCHEMA) as { oneOf: { required: string[]; additionalProperties: boolean; properties: { args: { required: string[] } } }[] };
    assert.deepEqual(strict.oneOf[0]!.required, ["thought", "tool", "args"]);
    assert.equal(strict.oneOf[0]!.additionalProperties, false);
    assert.deepEqual(strict.oneOf[0]!.properties.args.required, ["summary"]);
  });

  it("sends response_format to a generic server and parses the answer", async () => {
    const server = await standIn(() => ({ status: 200, text: '{"thought":"t","tool":"finish","args":{"summary":"s"}}' }));
    try {
      const engine = await RemoteEngine.connect(new OpenAiClient(parseEndpoint(server.url), undefined), "", NEVER);
      assert.equal(engine.kind, "openai");
      assert.equal(engine.contextSize, 4096, "vLLM's max_model_len");
      const answer = await new RemoteAgentModel(engine, () => assert.fail("no note")).generate({ messages: [{ role: "system", text: "a" }, { role: "observation", text: "b" }], schema: SCHEMA, maxTokens: 64, signal: NEVER });
      assert.deepEqual(answer.value, { thought: "t", tool: "finish", args: { summary: "s" } });
      assert.deepEqual(server.bodies[0]!.messages, [
        { role: "system", content: "a" },
        { role: "user", content: "b" },
      ], "the conversation as chat messages, observations as user turns");
      assert.ok(answer.newPromptTokens > 0);
      assert.equal((server.bodies[0]!.response_format as { type: string }).type, "json_schema");
    } finally {
      server.close();
    }
  });

  it("on llama-server renders the conversation with its chat template and sends the fitted schema, made strict, as json_schema", async () => {
    const server = await standIn(() => ({ status: 200, text: '{"thought":"t","tool":"finish","args":{"summary":"s"}}' }), true);
    try {
      const engine = await RemoteEngine.connect(new OpenAiClient(parseEndpoint(server.url), undefined), "", NEVER);
      assert.equal(engine.kind, "llama-server");
      const fitted = { oneOf: [{ type: "object", properties: { thought: { type: "string", maxLength: 40 }, tool: { const: "finish" }, args: { type: "object", properties: { summary: { type: "string", maxLength: 120 } } } } }] };
      const answer = await new RemoteAgentModel(engine, () => assert.fail("no note")).generate({ messages: [{ role: "system", text: "a" }, { role: "observation", text: "b" }], schema: fitted, maxTokens: 64, signal: NEVER });
      assert.deepEqual(answer.value, { thought: "t", tool: "finish", args: { summary: "s" } });
      assert.deepEqual(server.paths, ["/v1/completions"]);
      assert.equal(server.bodies[0]!.prompt, "system: a\nuser: b\nassistant: ", "the server's template, observations as user turns");
      const sent = server.bodies[0]!.json_schema as { oneOf: { required: string[]; properties: { thought: { maxLength: number } } }[] };
      assert.deepEqual(sent.oneOf[0]!.required, ["thought", "tool", "args"]);
      assert.equal(sent.oneOf[0]!.properties.thought.maxLength, 40, "the fitted caps are kept");
    } finally {
      server.close();
    }
  });

  it("falls back to validate-and-retry when the server refuses the schema, and says so once", async () => {
    let calls = 0;
    const server = await standIn((body) => {
      if (body.response_format) return { status: 400, error: "Unrecognized request argument supplied: response_format" };
      calls++;
      return { status: 200, text: calls === 1 ? "Sure! Here is my answer" : 'Here: {"thought":"t","tool":"finish","args":{"summary":"s"}}' };
    });
    try {
      const engine = await RemoteEngine.connect(new OpenAiClient(parseEndpoint(server.url), undefined), "", NEVER);
      const notes: string[] = [];
      const model = new RemoteAgentModel(engine, (note) => notes.push(note));
      const answer = await model.generate({ messages: [{ role: "user", text: "a" }], schema: SCHEMA, maxTokens: 64, signal: NEVER });
      assert.deepEqual(answer.value, { thought: "t", tool: "finish", args: { summary: "s" } }, "the second, parseable answer");
      assert.equal(server.bodies.length, 3, "refused with the schema, then two unconstrained attempts");
      await model.generate({ messages: [{ role: "user", text: "a" }], schema: SCHEMA, maxTokens: 64, signal: NEVER });
      assert.equal(notes.length, 1);
      assert.match(notes[0]!, /takes no JSON schema.*validated/);
    } finally {
      server.close();
    }
  });
  it("on Ollama (found at /api/version) sends the strict step schema as native /api/chat `format`", async () => {
    const step = '{"thought":"t","tool":"finish","args":{"summary":"s"}}';
    const server = await ollamaStandIn("0.6.5", () => ({ status: 200, text: step }), "Sure! I will finish now.");
    try {
      const engine = await RemoteEngine.connect(new OpenAiClient(parseEndpoint(`${server.url}/v1`), undefined), "", NEVER);
      assert.equal(engine.kind, "ollama");
      const answer = await new RemoteAgentModel(engine, () => assert.fail("no note"), { temperature: 0.2 }).generate({ messages: [{ role: "system", text: "a" }, { role: "observation", text: "b" }], schema: SCHEMA, maxTokens: 64, signal: NEVER });
      assert.deepEqual(answer.value, { thought: "t", tool: "finish", args: { summary: "s" } });
      assert.deepEqual(answer.evaluatedPromptTokens, 30);
      assert.deepEqual(answer.generatedTokens, 12);
      assert.deepEqual(server.requests.map((r) => r.path), ["/api/chat"]);
      const body = server.requests[0]!.body;
      assert.deepEqual(body.format, strictSchema(SCHEMA), "the strict step schema");
      assert.deepEqual(body.messages, [
        { role: "system", content: "a" },
        { role: "user", content: "b" },
      ]);
      assert.deepEqual(body.options, { temperature: 0.2, num_predict: 64, num_ctx: 2048 }, "the context Pincer fitted the prompt to (0.6 without /api/ps or /api/show: 2048)");
      assert.equal(body.stream, true);
    } finally {
      server.close();
    }
  });

  it("on Ollama, stops reading the step at the line that says done (a server that streams on is not read further)", async () => {
    const step = '{"thought":"t","tool":"finish","args":{"summary":"s"}}';
    const server = http.createServer((req, res) => {
      if (req.url === "/v1/models") return res.end(JSON.stringify({ object: "list", data: [{ id: "m", object: "model", owned_by: "x" }] }));
      if (req.url === "/api/version") return res.end(JSON.stringify({ version: "0.6.5" }));
      if (req.url !== "/api/chat") {
        res.statusCode = 404;
        return res.end();
      }
      res.setHeader("content-type", "application/x-ndjson");
      res.write(`${JSON.stringify({ message: { content: step }, done: false })}\n`);
      res.write(`${JSON.stringify({ message: { content: "" }, done: true, done_reason: "stop", eval_count: 12 })}\n`);
      // ...and never ends the response: a reader waiting for the end would wait forever.
      res.write(`${JSON.stringify({ message: { content: "more" }, done: false })}\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const engine = await RemoteEngine.connect(new OpenAiClient(parseEndpoint(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`), undefined), "", NEVER);
      const answer = await new RemoteAgentModel(engine, () => assert.fail("no note"), {}).generate({ messages: [{ role: "system", text: "a" }], schema: SCHEMA, maxTokens: 64, signal: NEVER });
      assert.deepEqual(answer.value, { thought: "t", tool: "finish", args: { summary: "s" } });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("on an Ollama older than 0.5 (no schema in `format`, response_format not enforced) validates and retries", async () => {
    const old = await ollamaStandIn("0.4.7", () => assert.fail("no native call with a schema"), "Sure! I will finish now.");
    try {
      const engine = await RemoteEngine.connect(new OpenAiClient(parseEndpoint(old.url), undefined), "", NEVER);
      assert.equal(engine.kind, "ollama");
      const notes: string[] = [];
      const answer = await new RemoteAgentModel(engine, (note) => notes.push(note)).generate({ messages: [{ role: "user", text: "a" }], schema: SCHEMA, maxTokens: 64, signal: NEVER });
      assert.equal(answer.value, undefined, "two unparseable answers, then the planner's own error path");
      assert.deepEqual(old.requests.map((r) => r.path), ["/v1/chat/completions", "/v1/chat/completions", "/v1/chat/completions"], "1 + UNCONSTRAINED_RETRIES unconstrained attempts");
      assert.ok(old.requests.every((r) => r.body.response_format === undefined), "no response_format it would silently ignore");
      assert.equal(notes.length, 1);
      assert.match(notes[0]!, /takes no JSON schema/);
    } finally {
      old.close();
    }
  });

  it("on an Ollama whose /api/chat refuses the schema, falls back to validate-and-retry", async () => {
    const server = await ollamaStandIn("0.5.1", () => ({ status: 400, error: "invalid format: expected \"json\" or a JSON schema" }), 'ok {"thought":"t","tool":"finish","args":{"summary":"s"}}');
    try {
      const engine = await RemoteEngine.connect(new OpenAiClient(parseEndpoint(server.url), undefined), "", NEVER);
      const notes: string[] = [];
      const answer = await new RemoteAgentModel(engine, (note) => notes.push(note)).generate({ messages: [{ role: "user", text: "a" }], schema: SCHEMA, maxTokens: 64, signal: NEVER });
      assert.deepEqual(answer.value, { thought: "t", tool: "finish", args: { summary: "s" } });
      assert.deepEqual(server.requests.map((r) => r.path), ["/api/chat", "/v1/chat/completions"]);
      assert.equal(notes.length, 1);
    } finally {
      server.close();
    }
  });
});
