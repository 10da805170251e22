// `pincer serve --http` with real clients: the official `openai` npm client lists the model, streams
// a chat answer and fills in the middle; curl gets the same answers.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import OpenAI from "openai";
import { startApiProcess, type ApiProcess } from "../support/api-server";
import { allowLoopbackClients } from "../support/loopback-clients";
import { requireTestModel, TEST_MODEL_PATH } from "../support/test-model";

describe("pincer serve --http (OpenAI-compatible API)", function () {
  this.timeout(120_000);
  allowLoopbackClients();
  let api: ApiProcess;
  let client: OpenAI;

  before(async function () {
    api = await startApiProcess(requireTestModel(this));
    client = new OpenAI({ baseURL: `${api.facts.url}/v1`, apiKey: api.token, maxRetries: 0 });
  });
  after(() => api?.stop());

  it("lists the loaded model", async () => {
    const models = await client.models.list();
    assert.deepEqual(models.data.map((m) => m.id), ["llama-2-tiny-random"]);
  });

  it("streams a chat answer to the openai client", async () => {
    const stream = await client.chat.completions.create({ model: "llama-2-tiny-random", messages: [{ role: "user", content: "Say hello" }], max_tokens: 8, stream: true });
    const pieces: string[] = [];
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      pieces.push(chunk.choices[0]?.delta.content ?? "");
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.ok(pieces.filter(Boolean).length > 1, "several pieces");
    assert.ok(finish === "length" || finish === "stop");
  });

  it("answers a chat without streaming, with usage", async () => {
    const answer = await client.chat.completions.create({ model: "llama-2-tiny-random", messages: [{ role: "user", content: "Hi" }], max_tokens: 4 });
    assert.equal(answer.object, "chat.completion");
    assert.equal(typeof answer.choices[0]!.message.content, "string");
    assert.ok(answer.usage!.prompt_tokens > 0);
  });

  it("fills in the middle when /v1/completions has a suffix", async () => {
    const answer = await client.completions.create({ model: "llama-2-tiny-random", prompt: "function add(a, b) {\n  return ", suffix: "\n}\n", max_tokens: 6 });
    assert.equal(answer.object, "text_completion");
    assert.equal(typeof answer.choices[0]!.text, "string");
    assert.doesNotMatch(answer.choices[0]!.text, /\n}\n$/, "the suffix is not repeated");
  });

  const weatherTool = {
    type: "function" as const,
    function: { name: "get_weather", description: "Current weather in a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
  };

  it("takes tools: the answer is text or tool calls, in OpenAI's shape", async () => {
    const answer = await client.chat.completions.create({ model: "llama-2-tiny-random", messages: [{ role: "user", content: "Weather in Paris?" }], tools: [weatherTool], max_tokens: 8 });
    const choice = answer.choices[0]!;
    assert.ok(choice.finish_reason === "tool_calls" ? choice.message.tool_calls!.length > 0 : typeof choice.message.content === "string", JSON.stringify(choice));
    assert.ok(answer.usage!.prompt_tokens > 20, "the tool's documentation is counted in the prompt");
  });

  it("continues after a tool result, streamed", async () => {
    const stream = await client.chat.completions.create({
      model: "llama-2-tiny-random",
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
        { role: "tool", tool_call_id: "call_1", content: '{"celsius": 21}' },
      ],
      tools: [weatherTool],
      max_tokens: 6,
      stream: true,
    });
    let finish: string | null | undefined;
    for await (const chunk of stream) finish = chunk.choices[0]?.finish_reason ?? finish;
    assert.ok(finish === "length" || finish === "stop" || finish === "tool_calls", String(finish));
  });

  it("answers 400 with the reason for tools it cannot take", async () => {
    const bad = async (body: Record<string, unknown>, pattern: RegExp) => {
      const response = await fetch(`${api.facts.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${api.token}`, "content-type": "application/json" }, body: JSON.stringify({ max_tokens: 4, ...body }) });
      const text = await response.text();
      assert.equal(response.status, 400, text);
      assert.match(text, pattern);
    };
    const user = [{ role: "user", content: "x" }];
    await bad({ messages: user, tools: [{ type: "function", function: { name: "f", parameters: { type: "object", properties: { a: { $ref: "#/$defs/A" } } } } }] }, /keyword \\"\$ref\\" is not supported/);
    await bad({ messages: user, tools: [weatherTool], tool_choice: "required" }, /tool_choice_unsupported/);
    await bad({ messages: [...user, { role: "tool", tool_call_id: "zz", content: "1" }], tools: [weatherTool] }, /answers tool call \\"zz\\"/);
    await bad({ messages: user, functions: [{ name: "f" }] }, /deprecated form/);
    // Resource exhaustion (CWE-400): a grammar would repeat the element a billion times.
    await bad({ messages: user, tools: [{ type: "function", function: { name: "f", parameters: { type: "object", properties: { a: { type: "string", minLength: 1e9 } } } } }] }, /minLength must be a whole number from 0 to 4096/);
    await bad({ messages: user, tools: [{ type: "function", function: { name: "f", parameters: { type: "foo" } } }] }, /type must be one of/);
  });

  it("an empty tool list is a plain chat", async () => {
    const answer = await client.chat.completions.create({ model: "llama-2-tiny-random", messages: [{ role: "user", content: "Hi" }], tools: [], max_tokens: 4 });
    assert.equal(typeof answer.choices[0]!.message.content, "string");
  });

  it("answers /v1/embeddings only when started with an embedding model", async () => {
    await assert.rejects(client.embeddings.create({ model: "llama-2-tiny-random", input: "x" }), (error: Error) => /embeddings_unavailable|--embedding-model/.test(error.message));
    const withEmbeddings = await startApiProcess(TEST_MODEL_PATH, ["--embedding-model", TEST_MODEL_PATH]);
    try {
      const embeddingClient = new OpenAI({ baseURL: `${withEmbeddings.facts.url}/v1`, apiKey: withEmbeddings.token, maxRetries: 0 });
      const models = await embeddingClient.models.list();
      assert.equal(models.data.length, 2, "the chat model and the embedding model");
      // The openai client asks for base64 and decodes it; a float request is checked through fetch.
      const answer = await embeddingClient.embeddings.create({ model: "llama-2-tiny-random", input: ["function add(a, b)", "class Parser"] });
      assert.equal(answer.data.length, 2);
      const [first, second] = answer.data.map((d) => d.embedding);
      assert.equal(first!.length, second!.length);
      assert.ok(first!.length > 0);
      const norm = Math.hypot(...first!);
      assert.ok(Math.abs(norm - 1) < 1e-3, `unit length, not ${norm}`);
      assert.ok(answer.usage.prompt_tokens > 0);
      const float = (await (
        await fetch(`${withEmbeddings.facts.url}/v1/embeddings`, { method: "POST", headers: { authorization: `Bearer ${withEmbeddings.token}`, "content-type": "application/json" }, body: JSON.stringify({ input: "function add(a, b)", encoding_format: "float" }) })
      ).json()) as { data: { embedding: number[] }[] };
      assert.deepEqual(float.data[0]!.embedding.map((x) => x.toFixed(5)), first!.map((x) => x.toFixed(5)), "the same vector in both encodings");
    } finally {
      await withEmbeddings.stop();
    }
  });

  it("the OCR and agent routes need --workspace", async () => {
    for (const route of ["/pincer/v1/ocr", "/pincer/v1/agent/runs"]) {
      const response = await fetch(`${api.facts.url}${route}`, { method: "POST", headers: { authorization: `Bearer ${api.token}`, "content-type": "application/json" }, body: JSON.stringify({ path: "a.png", task: "x" }) });
      assert.equal(response.status, 400);
      assert.match(await response.text(), /no_workspace/);
    }
  });

  it("streams to curl", () => {
    const result = spawnSync("curl", ["-sN", `${api.facts.url}/v1/chat/completions`, "-H", `Authorization: Bearer ${api.token}`, "-H", "content-type: application/json", "-d", JSON.stringify({ messages: [{ role: "user", content: "hi" }], max_tokens: 4, stream: true })], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^data: \{.*"chat\.completion\.chunk"/m);
    assert.match(result.stdout, /^data: \[DONE\]$/m);
  });
});
