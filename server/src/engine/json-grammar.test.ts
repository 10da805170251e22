import assert from "node:assert/strict";
import { answerTokenBound, DEFAULT_SCHEMA_LIMITS, fitActions, minimumAnswerTokens } from "../agent/planner/action-schema";
import type { JsonSchema } from "../agent/planner/agent-model";
import type { McpTool } from "../mcp/mcp-hub";
import { createTools } from "../agent/tools/index";
import { mcpToolDefinitions } from "../agent/tools/mcp-tools";
import { Engine } from "./engine";
import { maxGrammarCodePoints } from "./grammar-bound";
import { boundedJsonGrammarText } from "./json-grammar";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

async function requireTestModel(context: Mocha.Context): Promise<string> {
  const helper = "../../../test/support/test-model.ts";
  return ((await import(helper)) as { requireTestModel(context: Mocha.Context): string }).requireTestModel(context);
}

describe("JsonGrammar: answers that always close within their token bound", function () {
  this.timeout(300_000);
  let engine: Engine;

  before(async function () {
    const modelPath = await requireTestModel(this);
    engine = await Engine.load({ signal: NEVER_ABORTED, modelPath, settings: { gpu: "off", gpuLayers: "auto", threads: 1, contextSize: 2048 }, log: () => undefined, slots: ["agent"] });
  });

  after(async () => {
    await engine?.dispose();
  });

  const grammarText = async (schema: JsonSchema) => boundedJsonGrammarText((await engine.llama.createGrammarForJsonSchema(schema as never)).grammar);

  it("node-llama-cpp's own grammar has no longest answer; the adjusted one does", async () => {
    const schema = { type: "object", properties: { path: { type: "string", maxLength: 5 } } };
    const generated = (await engine.llama.createGrammarForJsonSchema(schema as never)).grammar;
    assert.equal(maxGrammarCodePoints(generated), Infinity, "trailing newlines without end");
    const bounded = boundedJsonGrammarText(generated);
    assert.doesNotMatch(bounded, /\\\\u/, "no \\uXXXX escapes");
    assert.doesNotMatch(bounded, /\[\\n\]/, "no newlines between tokens");
    // { "path": "\n\n\n\n\n" }: braces, two spaces, key 6, colon and space, quotes, 5 two-code-point escapes.
    assert.equal(maxGrammarCodePoints(bounded), 2 + 2 + 6 + 2 + 2 + 10);
  });

  it("refuses a grammar whose rules no longer look as expected, instead of guessing a bound", () => {
    assert.throws(() => boundedJsonGrammarText('root ::= "{}"'), /root changed/);
    assert.throws(() => boundedJsonGrammarText('root ::= x "\\n\\n\\n\\n" [\\n]*\nstring-char-rule ::= [^"]'), /string rule changed/);
    assert.throws(() => boundedJsonGrammarText('root ::= x "\\n\\n\\n\\n" [\\n]*\nwhitespace-b-1-4-rule ::= [\\n]+'), /whitespace rule changed/);
  });

  it("the planner's bound (action-schema.ts) is exactly the longest answer of the grammar node-llama-cpp writes, for every tool (MCP ones too)", async () => {
    const tools = [...createTools(), ...mcpToolDefinitions([mcpTool(MCP_SCHEMA)])];
    assert.ok(tools.some((tool) => tool.effect === "mcp"));
    for (const budget of [minimumAnswerTokens(tools, DEFAULT_SCHEMA_LIMITS), 1024, 2048]) {
      const fitted = fitActions(tools, DEFAULT_SCHEMA_LIMITS, budget);
      for (const variant of (fitted.schema as { oneOf: JsonSchema[] }).oneOf) {
        const name = (variant as { properties: { tool: { const: string } } }).properties.tool.const;
        assert.equal(maxGrammarCodePoints(await grammarText(variant)), answerTokenBound(variant), `${name} at ${budget}`);
      }
      assert.equal(maxGrammarCodePoints(await grammarText(fitted.schema)), answerTokenBound(fitted.schema), `all tools at ${budget}`);
      assert.equal(maxGrammarCodePoints(await grammarText(fitted.plan)), answerTokenBound(fitted.plan), `plan at ${budget}`);
      assert.equal((await engine.sequence("agent").jsonGrammar(fitted.schema)).maxTokens, answerTokenBound(fitted.schema));
    }
  });

  it("a random model at a high temperature always closes the answer within the bound, one whole character or more per token", async () => {
    const schema = {
      type: "object",
      properties: {
        thought: { type: "string", maxLength: 30 },
        args: { type: "object", properties: { path: { oneOf: [{ type: "string", maxLength: 20 }, { type: "null" }] }, n: { type: "integer" }, tags: { type: "array", items: { type: "string", maxLength: 6 }, maxItems: 3 } } },
      },
    };
    const sequence = engine.sequence("agent");
    const grammar = await sequence.jsonGrammar(schema);
    assert.equal(grammar.maxTokens, answerTokenBound(schema));
    let longest = 0;
    for (let i = 0; i < 60; i++) {
      await sequence.withTokens(NEVER_ABORTED, async (stream) => {
        const result = await stream.generateAfter([...stream.tokenize(`Answer ${i}: `)], { signal: NEVER_ABORTED, maxTokens: grammar.maxTokens, temperature: 1.5, seed: i, grammar, shouldStop: (text) => text.endsWith("}") && parses(text) });
        assert.notEqual(result.stopReason, "maxTokens", `answer ${i} did not close: ${result.text}`);
        assert.ok(parses(result.text), result.text);
        assert.ok(result.tokens.length <= [...result.text].length, "each token carries at least one code point");
        for (const token of result.tokens) assert.ok(!stream.detokenize([token]).includes("\uFFFD"), `token ${token} is part of a character`);
        longest = Math.max(longest, result.tokens.length);
      });
    }
    assert.ok(longest <= grammar.maxTokens);
  });
});

/** What MCP servers send: nested objects, arrays without maxItems, enums, unions, a $ref (becomes JSON text). */
const MCP_SCHEMA = {
  type: "object",
  properties: {
    query: { type: "string" },
    mode: { type: "string", enum: ["fast", "full"] },
    limit: { type: "integer", minimum: 1, maximum: 50 },
    tags: { type: "array", items: { type: "string" } },
    filter: { type: "object", properties: { path: { type: "string" }, recursive: { type: "boolean" } }, required: ["path"] },
    when: { anyOf: [{ type: "null" }, { type: "string" }] },
    ref: { $ref: "#/definitions/x" },
  },
  required: ["query"],
};

function mcpTool(inputSchema: Record<string, unknown>): McpTool {
  return { server: "srv", remote: { name: "search", description: "a server's tool", inputSchema, readOnlyHint: false }, agentName: "mcp_srv_search", rule: undefined, trustReadOnlyHint: false, call: async () => ({ isError: false, text: "" }) };
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
