// The first suggestion at a new place on the real engine: a layout sized to the time budget, the full
// layout grown in the spare sequence afterwards (the next request there uses it without laying out
// again), a cursor hint that warms a place before its first request, the cached window kept when the
// cursor jumps within it, and background work that never holds a request up for more than one batch.
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeSyntheticModel } from "../../../test/support/synthetic-model";
import { requireTestModel } from "../../../test/support/test-model";
import { Engine } from "../engine/engine";
import { stderrLogger } from "../platform/log";
import { completeAt, completionBackground, completionSession, hintCompletion } from "./complete";
import { backgroundBatchTokens } from "./background-loop";
import { CompletionSession, type SessionRequest, type SessionResult, type WarmEvent } from "./completion-session";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

const SOURCE = Array.from({ length: 150 }, (_, i) => `function helper${i}(value: number): number {\n  return value * ${i};\n}\n`).join("\n");
const at = (needle: string) => SOURCE.indexOf(needle) + "return ".length;

describe("first suggestion at a new place", function () {
  this.timeout(120_000);
  let engine: Engine;
  let tempDir: string;

  before(async function () {
    const source = requireTestModel(this);
    tempDir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-first-"));
    const modelPath = (await writeSyntheticModel({ tokenizerModel: source, preset: "tiny", fim: true, out: path.join(tempDir, "fim.gguf") })).path;
    engine = await Engine.load({ modelPath, settings: { gpu: "off", gpuLayers: 0, threads: 1, contextSize: 2048 }, log: stderrLogger("error"), signal: NEVER_ABORTED });
  });

  after(async () => {
    await engine?.dispose();
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
  });

  /** A session of its own, driven step by step (no background loop, no timers). */
  function harness() {
    const events: WarmEvent[] = [];
    const session = new CompletionSession((event) => events.push(event));
    const sequence = engine.sequence("completion");
    const request = (text: string, offset: number, promptTokens?: number): Promise<SessionResult> =>
      sequence.withTokenStreams(NEVER_ABORTED, (streams) =>
        session.complete(streams, {
          uri: "file:///a.ts",
          path: "a.ts",
          text,
          offset,
          maxTokens: 8,
          maxLines: 1,
          ...(promptTokens === undefined ? {} : { firstSuggestion: { promptTokens, maxTokens: 8 } }),
          signal: NEVER_ABORTED,
        } satisfies SessionRequest),
      );
    const drain = async (): Promise<number> => {
      let steps = 0;
      await session.prepareBackground(sequence.peekStreams(), 8);
      while (await sequence.withTokenStreams(NEVER_ABORTED, (streams) => session.backgroundStep(streams, 64, 8))) steps++;
      return steps + 1;
    };
    return { session, events, request, drain };
  }

  it("answers within the budgeted layout, grows the full layout in the background, and the next request there uses it", async () => {
    const { request, drain, events } = harness();
    const cursor = at("return value * 100;");
    const first = await request(SOURCE, cursor, 48);
    assert.equal(first.relayout, true);
    assert.equal(first.layoutKind, "quick");
    assert.equal(first.budgetTokens, 48);
    assert.ok(first.evaluatedPromptTokens <= 48, `evaluated ${first.evaluatedPromptTokens} ≤ 48`);

    const steps = await drain();
    assert.ok(steps > 2, `the growth ran in batches (${steps})`);
    assert.deepEqual(
      events.map((e) => e.kind),
      ["grown"],
    );
    const grownTokens = events[0]!.layoutTokens;
    assert.ok(grownTokens > 4 * (first.layoutTokens ?? 0), `grown ${grownTokens} tokens, quick ${first.layoutTokens}`);

    // The person types one character there: the full layout answers, evaluating only what is new.
    const typed = SOURCE.slice(0, cursor) + "v" + SOURCE.slice(cursor);
    const next = await request(typed, cursor + 1, 48);
    assert.equal(next.relayout, false, "no second layout");
    assert.equal(next.layoutKind, "full");
    assert.equal(next.layoutTokens, grownTokens);
    assert.ok(next.evaluatedPromptTokens <= 4, `evaluated ${next.evaluatedPromptTokens}`);
  });

  it("without a time budget lays the full layout out at once", async () => {
    const { request } = harness();
    const result = await request(SOURCE, at("return value * 60;"));
    assert.equal(result.layoutKind, "full");
    assert.equal(result.budgetTokens, undefined);
  });

  it("warms a hinted place before its first request, which then evaluates almost nothing", async () => {
    const { session, request, drain, events } = harness();
    await request(SOURCE, at("return value * 20;"), 48);
    await drain();
    const cursor = at("return value * 120;");
    assert.equal(session.observe({ uri: "file:///a.ts", path: "a.ts", prefix: SOURCE.slice(0, cursor), suffix: SOURCE.slice(cursor) }), "hint");
    await drain();
    assert.equal(events.at(-1)?.kind, "prewarmed");
    const result = await request(SOURCE, cursor, 48);
    assert.equal(result.relayout, false);
    assert.equal(result.layoutKind, "full");
    assert.ok(result.evaluatedPromptTokens <= 2, `evaluated ${result.evaluatedPromptTokens}`);
  });

  it("keeps the cached window's start when the cursor jumps within it, so the jump reuses the window", async () => {
    const { request, drain } = harness();
    await request(SOURCE, at("return value * 110;"), 64);
    await drain();
    // Up a few functions, still inside the window that is cached.
    const jumped = await request(SOURCE, at("return value * 104;"), 64);
    assert.equal(jumped.relayout, true);
    assert.ok(jumped.evaluatedPromptTokens <= 64, `evaluated ${jumped.evaluatedPromptTokens}`);
    assert.ok(jumped.reusedTokens >= 0.5 * (jumped.layoutTokens ?? 0), `reused ${jumped.reusedTokens} of ${jumped.layoutTokens}`);
  });

  it("a background batch in flight is all a request waits for", async () => {
    const record = completionBackground(engine);
    const big = SOURCE.repeat(3);
    const hinted = big.indexOf("return value * 140;", SOURCE.length * 2);
    const session = completionSession(engine);
    let requested: Promise<Awaited<ReturnType<typeof completeAt>>> | undefined;
    let batchesBefore = 0;
    let warmedBefore = 0;
    /** Background tokens evaluated when the request got the sequences (its context is chosen then). */
    let warmedWhenServed = Number.NaN;
    const started = new Promise<void>((resolve) => {
      record.onBatchStart = () => {
        if (requested) return;
        batchesBefore = record.batches;
        warmedBefore = session.backgroundTokens;
        // The request comes while the warm's first batch is in flight, at another place.
        requested = completeAt(engine, {
          uri: "file:///b.ts",
          text: SOURCE,
          offset: at("return value * 10;"),
          maxTokens: 8,
          maxLines: 1,
          warm: {},
          signal: NEVER_ABORTED,
          context: async () => {
            warmedWhenServed = session.backgroundTokens;
            return [];
          },
        });
        resolve();
      };
    });
    hintCompletion(engine, { uri: "file:///big.ts", path: "big.ts", prefix: big.slice(0, hinted), suffix: big.slice(hinted) }, { maxTokens: 8 });
    await started;
    record.onBatchStart = undefined;
    const result = await requested!;
    const waited = result.stats?.queuedMs ?? Number.POSITIVE_INFINITY;
    assert.equal(record.batches, batchesBefore + 1, "the request ran right after the batch in flight");
    const batch = backgroundBatchTokens(engine.speed);
    assert.ok(warmedWhenServed - warmedBefore <= 128 && warmedWhenServed - warmedBefore > 0, `the warm evaluated ${warmedWhenServed - warmedBefore} tokens (one batch: ${batch}) before the request`);
    assert.ok(waited <= record.longestBatchMs + 5, `waited ${waited.toFixed(1)} ms; longest batch ${record.longestBatchMs.toFixed(1)} ms`);
  });

  it("grows the full layout while the person types without pausing, each keystroke answered after one batch at most, nothing evaluated twice", async () => {
    const uri = "file:///typed.ts";
    const session = completionSession(engine);
    const record = completionBackground(engine);
    let grownAt: WarmEvent | undefined;
    const onEvent = (event: WarmEvent) => {
      if (event.kind === "grown" && event.uri === uri) grownAt = event;
    };
    const cursor = at("return value * 70;");
    const ask = (typed: string) =>
      completeAt(engine, { uri, text: SOURCE.slice(0, cursor) + typed + SOURCE.slice(cursor), offset: cursor + typed.length, maxTokens: 8, maxLines: 1, firstSuggestionMs: 1, warm: { onEvent }, signal: NEVER_ABORTED });
    const first = await ask("");
    assert.equal(first.stats?.layoutKind, "quick");
    const backgroundBefore = session.backgroundTokens;
    // Keystrokes back to back, each sent the moment the last one is answered ("v" typed, then deleted).
    let keys = 0;
    let grown = 0;
    for (; grownAt === undefined && keys < 400; keys++) {
      const answer = await ask(keys % 2 === 0 ? "v" : "");
      assert.ok((answer.stats?.queuedMs ?? 0) <= record.longestBatchMs + 5, `keystroke ${keys} waited ${answer.stats?.queuedMs} ms; longest batch ${record.longestBatchMs} ms`);
      // The stats say how far the growth is; it never falls back (the typed "v" comes and goes at its end).
      const growth = answer.stats?.growth;
      if (growth) {
        assert.ok(growth.evaluatedTokens >= grown - 1, `growth fell back from ${grown} to ${growth.evaluatedTokens}`);
        grown = growth.evaluatedTokens;
      }
    }
    assert.ok(grown > 0, "the keystrokes' stats reported the growth");
    assert.ok(grownAt, `the full layout grew while keys came back to back (${keys} keystrokes, ${session.backgroundTokens - backgroundBefore} tokens evaluated in the background)`);
    // Resumed after every keystroke where it stopped: the layout once, plus the typed "v" caught up with and taken back.
    const evaluated = session.backgroundTokens - backgroundBefore;
    assert.ok(evaluated <= grownAt.layoutTokens + 2 * keys, `background evaluated ${evaluated} tokens for a ${grownAt.layoutTokens}-token layout over ${keys} keystrokes`);
    const next = await ask(keys % 2 === 0 ? "v" : "");
    assert.equal(next.stats?.relayout, false);
    assert.equal(next.stats?.layoutKind, "full", JSON.stringify(next.stats));
    assert.equal(next.stats?.layoutTokens, grownAt.layoutTokens);
    assert.ok((next.stats?.evaluatedPromptTokens ?? 99) <= 4, `evaluated ${next.stats?.evaluatedPromptTokens}`);
  });
});
