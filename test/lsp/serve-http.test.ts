// `pincer serve --http` with real clients: the official `openai` npm client lists the model, streams
// a chat answer and fills in the middle; curl gets the same answers.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import OpenAI from "openai";
import { startApiProcess, type ApiProcess } from "../support/api-server";
import { allowLoopbackClients } from "../support/loopback-clients";
import { requireTestModel } from "../support/test-model";

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
  });

  it("streams to curl", () => {
    const result = spawnSync("curl", ["-sN", `${api.facts.url}/v1/chat/completions`, "-H", `Authorization: Bearer ${api.token}`, "-H", "content-type: application/json", "-d", JSON.stringify({ messages: [{ role: "user", content: "hi" }], max_tokens: 4, stream: true })], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^data: \{.*"chat\.completion\.chunk"/m);
    assert.match(result.stdout, /^data: \[DONE\]$/m);
  });
});
