import assert from "node:assert/strict";
import { createTools } from "../tools/index";
import { answerTokenBound, argumentAtCap, DEFAULT_SCHEMA_LIMITS, fitActions, minimumAnswerTokens, PLANNER_ACTIONS, validateAction, type FittedActions } from "./action-schema";
import type { JsonSchema } from "./agent-model";

const tools = createTools();
type Variant = { properties: { thought: { maxLength: number }; tool: { const: string }; args: { properties: Record<string, JsonSchema> } } };
const variants = (fitted: FittedActions) => (fitted.schema as { oneOf: Variant[] }).oneOf;
const variant = (fitted: FittedActions, name: string) => variants(fitted).find((v) => v.properties.tool.const === name)!;

/** Every string's maxLength in a schema (undefined where one is missing). */
function stringCaps(schema: JsonSchema): (number | undefined)[] {
  if (Array.isArray(schema.oneOf)) return (schema.oneOf as JsonSchema[]).flatMap(stringCaps);
  if (schema.type === "string" && !schema.enum) return [schema.maxLength as number | undefined];
  if (schema.type === "array") return stringCaps(schema.items as JsonSchema);
  if (schema.type === "object") return Object.values((schema.properties ?? {}) as Record<string, JsonSchema>).flatMap(stringCaps);
  return [];
}

describe("action schema", () => {
  it("is a oneOf with one variant per tool and planner action, the tool name as a const", () => {
    const fitted = fitActions(tools, DEFAULT_SCHEMA_LIMITS, 2048);
    assert.deepEqual(
      variants(fitted).map((v) => v.properties.tool.const),
      [...tools.map((tool) => tool.name), ...PLANNER_ACTIONS],
    );
  });

  it("caps every string and lets optional arguments be null", () => {
    const fitted = fitActions(tools, DEFAULT_SCHEMA_LIMITS, 2048);
    const read = variant(fitted, "read_file");
    assert.deepEqual(read.properties.args.properties.path, { type: "string", maxLength: 200 }, "a path keeps its declared 200 characters when the budget allows");
    assert.deepEqual(read.properties.args.properties.start, { oneOf: [{ type: "integer" }, { type: "null" }] });
    for (const v of variants(fitted)) for (const cap of stringCaps(v as unknown as JsonSchema)) assert.equal(typeof cap, "number", `${v.properties.tool.const} has an uncapped string`);
  });

  // The bug this fixes: a path could run to 12,000 characters while the step could hold 1,024
  // tokens, so a model that filled its strings never closed a call (0 of 75 steps well-formed).
  for (const budget of [minimumAnswerTokens(tools, DEFAULT_SCHEMA_LIMITS), 256, 512, 1024, 2048, 4096]) {
    it(`fits the longest possible answer into a budget of ${budget} tokens`, () => {
      const fitted = fitActions(tools, DEFAULT_SCHEMA_LIMITS, budget);
      assert.ok(fitted.maxTokens <= budget, `longest answer ${fitted.maxTokens} tokens`);
      for (const v of variants(fitted)) assert.ok(answerTokenBound(v as unknown as JsonSchema) <= budget, v.properties.tool.const);
      assert.ok(answerTokenBound(fitted.plan) <= budget, "the plan");
    });
  }

  it("gives content what short arguments leave, and shrinks short ones to half the room when the budget is small", () => {
    const roomy = fitActions(tools, DEFAULT_SCHEMA_LIMITS, 2048);
    const create = roomy.args.get("create_file") as { properties: Record<string, { maxLength: number }> };
    assert.equal(create.properties.path!.maxLength, 200, "the declared path cap fits");
    const content = create.properties.content!.maxLength;
    assert.ok(content >= 500 && content <= 600, `content ${content} characters in 2,048 tokens`);
    const edit = roomy.args.get("edit_file") as { properties: Record<string, { maxLength: number }> };
    assert.equal(edit.properties.search!.maxLength, edit.properties.replace!.maxLength, "two content arguments share equally");
    assert.equal(roomy.contentChars, edit.properties.search!.maxLength, "the prompt states the smallest content cap");

    const tight = fitActions(tools, DEFAULT_SCHEMA_LIMITS, 1024).args.get("create_file") as { properties: Record<string, { maxLength: number }> };
    assert.ok(tight.properties.path!.maxLength < 200, "a small budget shrinks the path too");
    assert.ok(2 * tight.properties.content!.maxLength * 2 >= 1024 / 2 - 100, "content keeps about half the room");
  });

  it("refuses a budget that cannot hold a call at all", () => {
    assert.throws(() => fitActions(tools, DEFAULT_SCHEMA_LIMITS, 40), /cannot hold a call to/);
  });

  it("spots an argument that reached its cap (cut mid-way), not one below it", () => {
    const fitted = fitActions(tools, DEFAULT_SCHEMA_LIMITS, 1024);
    const schema = fitted.args.get("create_file");
    const cap = (schema as { properties: { content: { maxLength: number } } }).properties.content.maxLength;
    assert.equal(argumentAtCap({ path: "a.ts", content: "x".repeat(cap - 1) }, schema), undefined);
    assert.equal(argumentAtCap({ path: "a.ts", content: "x".repeat(cap) }, schema), `content (${cap} characters)`);
    const replan = fitted.args.get("replan");
    const stepCap = (replan as { properties: { steps: { items: { maxLength: number } } } }).properties.steps.items.maxLength;
    assert.match(argumentAtCap({ reason: "r", steps: ["ok", "y".repeat(stepCap)] }, replan) ?? "", /^steps/);
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
