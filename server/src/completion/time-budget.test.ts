import assert from "node:assert/strict";
import { EvalSpeed } from "../engine/eval-speed";
import { firstSuggestionBudget, MIN_GENERATED_TOKENS, MIN_PROMPT_TOKENS, splitWindowTokens } from "./time-budget";

describe("first-suggestion time budget", () => {
  it("fits prompt evaluation and generation in the target at the measured speeds", () => {
    // 135M model on one core here: about 460 prompt tokens/s, 15 ms per generated token.
    const speed = { promptTokensPerSecond: 460, generationMsPerToken: 15 };
    const budget = firstSuggestionBudget({ targetMs: 1000, maxTokens: 16, speed, overheadMs: 25 });
    assert.equal(budget.maxTokens, 16);
    // 1000 − 25 − 16 × 15 = 735 ms of prompt at 460 tokens/s.
    assert.equal(budget.promptTokens, Math.floor((735 * 460) / 1000));
    const spent = 25 + (budget.promptTokens * 1000) / speed.promptTokensPerSecond + budget.maxTokens * speed.generationMsPerToken;
    assert.ok(spent <= 1000, `${spent} ms`);
  });

  it("cuts a long suggestion to its share of the target, never below the minimum", () => {
    const speed = { promptTokensPerSecond: 460, generationMsPerToken: 15 };
    assert.equal(firstSuggestionBudget({ targetMs: 1000, maxTokens: 64, speed, overheadMs: 0 }).maxTokens, Math.floor(350 / 15));
    const slow = firstSuggestionBudget({ targetMs: 1000, maxTokens: 64, speed: { promptTokensPerSecond: 40, generationMsPerToken: 200 }, overheadMs: 0 });
    assert.equal(slow.maxTokens, MIN_GENERATED_TOKENS);
    assert.equal(slow.promptTokens, MIN_PROMPT_TOKENS, "a model too slow for the target still sees some code");
  });

  it("grows with the speed and the target, and shrinks with the overhead", () => {
    const at = (promptTokensPerSecond: number, targetMs: number, overheadMs = 20) =>
      firstSuggestionBudget({ targetMs, maxTokens: 16, speed: { promptTokensPerSecond, generationMsPerToken: 20 }, overheadMs }).promptTokens;
    assert.ok(at(900, 1000) > at(450, 1000));
    assert.ok(at(450, 2000) > at(450, 1000));
    assert.ok(at(450, 1000, 200) < at(450, 1000, 20));
  });

  it("without a target (0) allows the whole layout", () => {
    const budget = firstSuggestionBudget({ targetMs: 0, maxTokens: 64, speed: { promptTokensPerSecond: 10, generationMsPerToken: 500 }, overheadMs: 0 });
    assert.equal(budget.promptTokens, Number.POSITIVE_INFINITY);
    assert.equal(budget.maxTokens, 64);
  });

  it("follows the speed the engine measures now, not the one it was calibrated at", () => {
    const speed = new EvalSpeed({ promptTokensPerSecond: 1000, generationMsPerToken: 10 });
    const before = firstSuggestionBudget({ targetMs: 1000, maxTokens: 16, speed: speed.figures, overheadMs: 20 }).promptTokens;
    // The machine got busy: batches now run at a quarter of the calibrated speed.
    for (let i = 0; i < 10; i++) speed.recordPrompt(250, 1000);
    const after = firstSuggestionBudget({ targetMs: 1000, maxTokens: 16, speed: speed.figures, overheadMs: 20 }).promptTokens;
    assert.ok(after < before / 2, `${before} → ${after}`);
    // Single-token decodes say nothing about batch throughput and are not counted.
    const figures = speed.figures;
    speed.recordPrompt(2, 1000);
    assert.deepEqual(speed.figures, figures);
  });

  it("shares windows between prefix and suffix as the full layout does", () => {
    assert.deepEqual(splitWindowTokens(70, false), { prefixTokens: 55, suffixTokens: 15 });
    assert.deepEqual(splitWindowTokens(70, true), { prefixTokens: 70, suffixTokens: 0 });
    assert.deepEqual(splitWindowTokens(-5, false), { prefixTokens: 0, suffixTokens: 0 });
  });
});
