import assert from "node:assert/strict";
import { toFunctions, toGrammarSchema, toToolHistory, ToolChatError, untaggedToolCalls } from "./tool-chat";

describe("tool chat (tools the API's caller runs)", () => {
  it("turns OpenAI tool schemas into node-llama-cpp functions: annotations dropped, anyOf as oneOf", () => {
    const functions = toFunctions([
      {
        name: "get_weather",
        description: "Weather now",
        parameters: {
          $schema: "http://json-schema.org/draft-07/schema#",
          type: "object",
          title: "Args",
          properties: { city: { type: "string", description: "City name", default: "Paris" }, unit: { anyOf: [{ const: "C" }, { const: "F" }] } },
          required: ["city"],
          additionalProperties: false,
        },
      },
      { name: "now", parameters: { type: "object", properties: {} } },
      { name: "ping" },
    ]);
    assert.deepEqual(functions, {
      get_weather: {
        description: "Weather now",
        params: { type: "object", properties: { city: { type: "string", description: "City name" }, unit: { oneOf: [{ const: "C" }, { const: "F" }] } }, required: ["city"], additionalProperties: false },
      },
      now: {},
      ping: {},
    });
  });

  it("refuses what the grammar cannot express, naming where", () => {
    assert.throws(() => toGrammarSchema({ type: "object", properties: { a: { $ref: "#/definitions/A" } } }, "f.parameters"), (e: Error) => e instanceof ToolChatError && /f\.parameters\.properties\.a: the JSON Schema keyword "\$ref"/.test(e.message));
    assert.throws(() => toGrammarSchema({ type: "string", pattern: "^a+$" }, "g"), /keyword "pattern"/);
    assert.throws(() => toGrammarSchema({ type: "object", properties: { a: { type: "string" } }, required: ["b"] }, "h"), /required names b/);
    assert.throws(() => toFunctions([{ name: "bad name" }]), /Tool name "bad name"/);
    assert.throws(() => toFunctions([{ name: "a" }, { name: "a" }]), /listed twice/);
    assert.deepEqual(Object.keys(toFunctions([{ name: "constructor" }, { name: "toString" }])), ["constructor", "toString"], "names of Object.prototype are tool names like any other");
    assert.throws(() => toGrammarSchema({ type: "object", properties: {}, required: ["toString"] }, "i"), /required names toString/);
    assert.throws(() => toGrammarSchema({ type: "foo" }, "j"), /j\.type must be one of/);
    assert.throws(() => toGrammarSchema({ enum: "x" }, "k"), /k\.enum must be a non-empty list/);
    assert.throws(() => toGrammarSchema({ const: { a: 1 } }, "l"), /l\.const must be/);
  });

  // Attack class: resource exhaustion through the request (CWE-400/CWE-770). A grammar repeats an
  // element once per count, so an unbounded count in a tool schema would allocate without limit.
  it("refuses repetition counts a grammar would expand without bound", () => {
    for (const key of ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"]) {
      assert.throws(() => toGrammarSchema({ type: "string", [key]: 1e9 }, "p"), new RegExp(`p\\.${key} must be a whole number from 0 to 4096`), key);
      assert.throws(() => toGrammarSchema({ type: "string", [key]: 2.5 }, "p"), /whole number/, key);
    }
    assert.deepEqual(toGrammarSchema({ type: "string", maxLength: 4096 }, "p"), { type: "string", maxLength: 4096 });
  });

  it("puts each tool result into the call it answers and continues that assistant message", () => {
    const history = toToolHistory([
      { role: "system", text: "Be brief." },
      { role: "user", text: "Weather in Paris?" },
      { role: "assistant", text: "", toolCalls: [{ id: "c1", name: "get_weather", arguments: { city: "Paris" } }] },
      { role: "tool", toolCallId: "c1", text: '{"temperature": 21}' },
    ]);
    assert.deepEqual(history, [
      { type: "system", text: "Be brief." },
      { type: "user", text: "Weather in Paris?" },
      { type: "model", response: [{ type: "functionCall", name: "get_weather", params: { city: "Paris" }, result: { temperature: 21 } }] },
    ]);
    const plain = toToolHistory([{ role: "user", text: "Hi" }]);
    assert.deepEqual(plain, [{ type: "user", text: "Hi" }, { type: "model", response: [] }]);
  });

  it("refuses a result for no call, a call without a result, and a repeated id", () => {
    assert.throws(() => toToolHistory([{ role: "user", text: "x" }, { role: "tool", toolCallId: "nope", text: "1" }]), /answers tool call "nope", which no earlier assistant message made/);
    assert.throws(
      () =>
        toToolHistory([
          { role: "user", text: "x" },
          { role: "assistant", text: "", toolCalls: [{ id: "a", name: "f", arguments: {} }] },
          { role: "user", text: "and?" },
        ]),
      /tool call a has no tool message with its result before it/,
    );
    assert.throws(() => toToolHistory([{ role: "assistant", text: "", toolCalls: [{ id: "a", name: "f", arguments: {} }] }]), /has no tool message with its result/);
    assert.throws(
      () => toToolHistory([{ role: "assistant", text: "", toolCalls: [{ id: "a", name: "f", arguments: {} }, { id: "a", name: "f", arguments: {} }] }]),
      /repeats the tool call id "a"/,
    );
  });

  it("takes a whole answer that is a call to an offered tool, written without its markers, as the call", () => {
    const tools = [{ name: "get_temperature" }, { name: "now" }, { name: "weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }];
    assert.deepEqual(untaggedToolCalls('{"name": "get_temperature", "arguments": {"city": "Paris"}}', tools), [{ name: "get_temperature", arguments: { city: "Paris" } }]);
    assert.deepEqual(untaggedToolCalls('```json\n[{"name": "now", "arguments": "{}"}]\n```', tools), [{ name: "now", arguments: {} }]);
    for (const text of [
      "The temperature is 17.",
      '{"name": "rm_rf", "arguments": {}}',
      '{"name": "now", "arguments": {}, "extra": 1}',
      '{"name": "now", "arguments": [1]}',
      'Sure: {"name": "now", "arguments": {}}',
      '{"name": "now", "arguments": {}',
      '{"name": "weather", "arguments": {"town": "Paris"}}',
    ]) {
      assert.equal(untaggedToolCalls(text, tools), undefined, text);
    }
  });
});
