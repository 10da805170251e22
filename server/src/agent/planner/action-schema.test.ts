import assert from "node:assert/strict";
import { createTools } from "../tools/index";
import { actionSchema, DEFAULT_SCHEMA_LIMITS, PLANNER_ACTIONS, validateAction } from "./action-schema";

const tools = createTools();

describe("action schema", () => {
  it("is a oneOf with one variant per tool and planner action, the tool name as a const", () => {
    const schema = actionSchema(tools, DEFAULT_SCHEMA_LIMITS) as { oneOf: { properties: { tool: { const: string } } }[] };
    assert.deepEqual(
      schema.oneOf.map((variant) => variant.properties.tool.const),
      [...tools.map((tool) => tool.name), ...PLANNER_ACTIONS],
    );
  });

  it("caps strings and lets optional arguments be null", () => {
    const schema = actionSchema(tools, { ...DEFAULT_SCHEMA_LIMITS, stringChars: 33 }) as { oneOf: { properties: { tool: { const: string }; args: { properties: Record<string, unknown> } } }[] };
    const read = schema.oneOf.find((variant) => variant.properties.tool.const === "read_file")!;
    assert.deepEqual(read.properties.args.properties.path, { type: "string", maxLength: 33 });
    assert.deepEqual(read.properties.args.properties.start, { oneOf: [{ type: "integer" }, { type: "null" }] });
  });

  it("drops optional nulls and clamps numbers into the schema's range", () => {
    const result = validateAction({ thought: "t", tool: "read_file", args: { path: "a.ts", start: -4, end: null } }, tools, DEFAULT_SCHEMA_LIMITS);
    assert.deepEqual(result, { ok: true, action: { thought: "t", tool: "read_file", args: { path: "a.ts", start: 1 } } });
    const huge = validateAction({ thought: "", tool: "more_output", args: { step: Infinity, offset: 2.5 } }, tools, DEFAULT_SCHEMA_LIMITS);
    assert.deepEqual(huge.ok && huge.action.args, { step: Number.MAX_SAFE_INTEGER, offset: 2 });
  });

  it("rejects what the grammar would never produce, with a message the model can act on", () => {
    const cases: [unknown, RegExp][] = [
      ["text", /not a JSON object/],
      [{ tool: "sudo", args: {} }, /no tool "sudo"/],
      [{ tool: "read_file", args: {} }, /args\.path is missing/],
      [{ tool: "read_file", args: { path: null } }, /args\.path must be a string/],
      [{ tool: "read_file", args: { path: "a", mode: "w" } }, /args\.mode is not a parameter/],
      [{ tool: "replan", args: { reason: "r", steps: [1] } }, /args\.steps\[0\] must be a string/],
    ];
    for (const [value, error] of cases) {
      const result = validateAction(value, tools, DEFAULT_SCHEMA_LIMITS);
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.error : "", error);
    }
  });
});
