import assert from "node:assert/strict";
import { planContext, type BudgetInput } from "./context-budget";

const base: BudgetInput = {
  windowTokens: 1000,
  replyTokens: 200,
  turnOverheadTokens: 5,
  system: { label: "system", tokens: 50 },
  prompt: { label: "prompt", tokens: 20 },
  rules: [],
  attachments: [],
  history: [],
};

describe("chat context budget", () => {
  it("keeps everything that fits", () => {
    const plan = planContext({ ...base, rules: [{ label: "AGENTS.md", tokens: 30 }], attachments: [{ label: "a.ts", tokens: 100 }], history: [{ label: "h", tokens: 40 }] });
    assert.deepEqual(plan.leftOut, []);
    assert.equal(plan.historyStart, 0);
    assert.equal(plan.estimatedTokens, 50 + 20 + 10 + 30 + 100 + 45);
  });

  it("leaves out a whole attachment that does not fit and says so; later smaller ones still go in", () => {
    const plan = planContext({ ...base, attachments: [{ label: "big.ts", tokens: 900 }, { label: "small.ts", tokens: 100 }] });
    assert.deepEqual(plan.leftOut, ["big.ts"]);
    assert.deepEqual(plan.includedAttachments, [1]);
    assert.deepEqual(
      plan.items.filter((i) => i.kind === "attachment").map((i) => [i.label, i.included]),
      [
        ["big.ts", false],
        ["small.ts", true],
      ],
    );
  });

  it("keeps the newest history and marks older turns for compaction", () => {
    const history = Array.from({ length: 10 }, (_, i) => ({ label: `turn ${i}`, tokens: 95 }));
    const plan = planContext({ ...base, history });
    // 800 available - 80 fixed = 720; each turn costs 100 → the last 7 fit.
    assert.equal(plan.historyStart, 3);
    assert.deepEqual(plan.leftOut, [], "history is compacted, not listed as left out");
  });

  it("refuses a message that cannot fit even alone, with the numbers", () => {
    const plan = planContext({ ...base, prompt: { label: "prompt", tokens: 2000 } });
    assert.equal(plan.fits, false);
    assert.match(plan.error!, /2060 tokens.*leaves 800/);
  });
});
