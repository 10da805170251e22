// Tool calling through Pincer's OpenAI-compatible API on real weights (issue 15): the official
// `openai` client offers a tool to Qwen2.5-Coder 0.5B Instruct (trained for tool calls), gets a call
// with arguments that match the schema, runs it itself and sends the result back. Qwen2.5 0.5B writes
// its calls without the <tool_call> markers (the server takes a whole-answer call to an offered tool
// as the call) and, given the result, tends to call the tool again rather than answer: the second
// turn checks the protocol (the result reaches the model, the answer is well formed), not the model.
import assert from "node:assert/strict";
import OpenAI from "openai";
import { startApiProcess, type ApiProcess } from "../support/api-server";
import { allowLoopbackClients } from "../support/loopback-clients";
import { requireRealModel } from "../support/test-model";

describe("real model: tools through pincer serve --http", function () {
  this.timeout(600_000);
  allowLoopbackClients();
  let api: ApiProcess;
  let client: OpenAI;

  before(async function () {
    api = await startApiProcess(requireRealModel(this, "qwen2.5-coder-0.5b"), [], { contextSize: 2048 });
    client = new OpenAI({ baseURL: `${api.facts.url}/v1`, apiKey: api.token, maxRetries: 0, timeout: 600_000 });
  });
  after(() => api?.stop());

  const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
    {
      type: "function",
      function: {
        name: "get_temperature",
        description: "The temperature now in a city, in degrees Celsius.",
        parameters: { type: "object", properties: { city: { type: "string", description: "The city name" } }, required: ["city"] },
      },
    },
  ];

  it("calls the tool with schema-valid arguments; the result goes back in the next turn", async () => {
    const question: OpenAI.Chat.Completions.ChatCompletionMessageParam = { role: "user", content: "What is the temperature in Paris right now?" };
    const first = await client.chat.completions.create({ model: "qwen", messages: [question], tools, max_tokens: 96 });
    const choice = first.choices[0]!;
    assert.equal(choice.finish_reason, "tool_calls", JSON.stringify(choice.message));
    const call = choice.message.tool_calls![0]!;
    assert.equal(call.type, "function");
    assert.ok(call.type === "function" && call.function.name === "get_temperature");
    const args = JSON.parse(call.type === "function" ? call.function.arguments : "{}") as { city?: unknown };
    assert.equal(typeof args.city, "string");
    assert.match(String(args.city), /paris/i);

    const stream = await client.chat.completions.create({
      model: "qwen",
      messages: [question, choice.message, { role: "tool", tool_call_id: call.id, content: JSON.stringify({ city: "Paris", celsius: 17 }) }],
      tools,
      max_tokens: 64,
      stream: true,
    });
    let text = "";
    let finish: string | null | undefined;
    const calls: string[] = [];
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      for (const c of chunk.choices[0]?.delta.tool_calls ?? []) calls.push(c.function?.name ?? "");
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    if (finish === "tool_calls") {
      assert.deepEqual(calls, ["get_temperature"]);
      assert.equal(text, "", "a call written as text is not streamed as content");
    } else {
      assert.equal(finish, "stop", text);
      assert.match(text, /17/, `the answer uses the tool's result: ${text}`);
    }
    console.log(`      after the result: ${finish === "tool_calls" ? "called get_temperature again" : JSON.stringify(text)}`);
  });
});
