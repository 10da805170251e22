import assert from "node:assert/strict";
import type { McpTool } from "../../mcp/mcp-hub";
import type { JsonSchema } from "../planner/agent-model";
import { answerTokenBound, DEFAULT_SCHEMA_LIMITS, fitActions, minimumAnswerTokens } from "../planner/action-schema";
import type { ToolContext } from "../tool-types";
import { createTools } from "./index";
import { fittedParameters, MCP_ARGS_TOKENS, MCP_JSON_ARGUMENTS, mcpToolDefinitions } from "./mcp-tools";

/** An MCP tool as the hub hands it over; `sent` records what the server would receive. */
function mcpTestTool(inputSchema: Record<string, unknown>, sent: Record<string, unknown>[] = [], name = "t"): McpTool {
  return {
    server: "srv",
    remote: { name, description: "a server's tool", inputSchema, readOnlyHint: false },
    agentName: `mcp_srv_${name}`,
    rule: undefined,
    trustReadOnlyHint: false,
    call: async (args) => {
      sent.push(args);
      return { isError: false, text: "ok" };
    },
  };
}

/** A schema with what servers send: nested objects, arrays without maxItems, enums, unions, $ref. */
const RICH_MCP_SCHEMA = {
  type: "object",
  properties: {
    query: { type: "string", description: "what to look for" },
    mode: { type: "string", enum: ["fast", "full"] },
    limit: { type: "integer", minimum: 1, maximum: 50 },
    tags: { type: "array", items: { type: "string" } },
    filter: { type: "object", properties: { path: { type: "string" }, recursive: { type: "boolean" } }, required: ["path"] },
    when: { anyOf: [{ type: "null" }, { type: "string" }] },
    ref: { $ref: "#/definitions/x" },
  },
  required: ["query"],
};

const objectOf = (count: number, leaf: unknown) => ({ type: "object", properties: Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, leaf])) });
const signal = new AbortController().signal;
const context = { signal } as unknown as ToolContext;

function strings(schema: JsonSchema): JsonSchema[] {
  if (Array.isArray(schema.oneOf)) return (schema.oneOf as JsonSchema[]).flatMap(strings);
  if (schema.type === "string") return [schema];
  if (schema.type === "array") return strings(schema.items as JsonSchema);
  if (schema.type === "object") return Object.values((schema.properties ?? {}) as Record<string, JsonSchema>).flatMap(strings);
  return [];
}

describe("MCP tools as agent tools", () => {
  it("every string of an MCP tool's arguments gets a cap fitted to the answer budget, like every tool's", () => {
    const tools = [...createTools(), ...mcpToolDefinitions([mcpTestTool(RICH_MCP_SCHEMA)])];
    for (const budget of [minimumAnswerTokens(tools, DEFAULT_SCHEMA_LIMITS), 1024, 4096]) {
      const fitted = fitActions(tools, DEFAULT_SCHEMA_LIMITS, budget);
      const args = fitted.args.get("mcp_srv_t");
      assert.ok(args, "the MCP tool is among the fitted tools");
      const found = strings(args);
      assert.ok(found.length >= 5);
      for (const schema of found) assert.ok(Array.isArray(schema.enum) || (typeof schema.maxLength === "number" && schema.maxLength >= 0), JSON.stringify(schema));
      assert.ok(answerTokenBound(fitted.schema) <= budget, `longest answer ${answerTokenBound(fitted.schema)} within ${budget}`);
    }
  });

  const oversized: [string, Record<string, unknown>][] = [
    ["arrays of objects nested four deep", objectOf(32, { type: "array", items: objectOf(32, { type: "array", items: objectOf(32, { type: "string" }) }) })],
    ["a 20,000-character property name", { type: "object", properties: { ["x".repeat(20_000)]: { type: "string" } } }],
    ["64 enum values of 5,000 characters", { type: "object", properties: { pick: { type: "string", enum: Array.from({ length: 64 }, (_, i) => `${i}`.padEnd(5_000, "y")) } } }],
    ["32 objects of 32 arguments", objectOf(32, objectOf(32, { type: "integer" }))],
  ];
  for (const [label, schema] of oversized) {
    it(`a server's oversized schema (${label}) is simplified, so it cannot push the answer budget past the context`, () => {
      const tools = [...createTools(), ...mcpToolDefinitions([mcpTestTool(schema)])];
      const { parameters } = fittedParameters(schema);
      assert.ok(answerTokenBound(fitActions([mcpToolDefinitions([mcpTestTool(schema)])[0]!], DEFAULT_SCHEMA_LIMITS, 2048).schema) <= 2048);
      assert.ok(minimumAnswerTokens(tools, DEFAULT_SCHEMA_LIMITS) <= MCP_ARGS_TOKENS + 200, `minimum answer ${minimumAnswerTokens(tools, DEFAULT_SCHEMA_LIMITS)} tokens`);
      assert.ok(Object.keys(parameters.properties).length > 0);
      fitActions(tools, DEFAULT_SCHEMA_LIMITS, 2048);
    });
  }

  it("parts turned into JSON text go back to JSON before the server gets them; a whole-JSON call must be an object", async () => {
    const sent: Record<string, unknown>[] = [];
    const nested = objectOf(16, { type: "array", items: objectOf(32, { type: "array", items: { type: "string" } }) });
    const [shallow] = mcpToolDefinitions([mcpTestTool(nested, sent)]);
    const p0 = shallow!.parameters.properties.p0!;
    assert.ok(p0.type === "array" && p0.items.type === "string" && p0.maxItems === 2, `the too-deep part is JSON text: ${JSON.stringify(p0)}`);
    await shallow!.run({ p0: [JSON.stringify({ p1: ["a"] })] }, context);
    assert.deepEqual(sent.pop(), { p0: [{ p1: ["a"] }] });

    const huge = { type: "object", properties: { ["x".repeat(100)]: { type: "string" } } };
    const [whole] = mcpToolDefinitions([mcpTestTool(huge, sent)]);
    assert.deepEqual(Object.keys(whole!.parameters.properties), [MCP_JSON_ARGUMENTS]);
    await whole!.run({ [MCP_JSON_ARGUMENTS]: JSON.stringify({ ["x".repeat(100)]: "v" }) }, context);
    assert.deepEqual(sent.pop(), { ["x".repeat(100)]: "v" });
    const refused = await whole!.run({ [MCP_JSON_ARGUMENTS]: "[1, 2]" }, context);
    assert.equal(refused.ok, false);
    assert.equal(sent.length, 0, "nothing reached the server");
  });
});
