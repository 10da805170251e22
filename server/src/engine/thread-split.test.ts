import assert from "node:assert/strict";
import { sharedBackend } from "./engine";
import { ThreadSplit, withBaseThreads } from "./thread-split";

/** The cap a phase of `threads` gets under `base` (0: node-llama-cpp's "no limit", the engine's setting). */
const capped = (base: number, threads: number) => (base === 0 ? threads : Math.min(base, threads));

describe("ThreadSplit", () => {
  it("caps decodes at the phase's thread count and restores the base after", async () => {
    const { llama } = await sharedBackend("off", () => undefined);
    const base = llama.maxThreads;
    const split = new ThreadSplit(llama, 2, 1);
    assert.equal(split.active, true);
    await split.phase("generation", async () => assert.equal(llama.maxThreads, capped(base, 1)));
    await split.phase("prompt", async () => assert.equal(llama.maxThreads, capped(base, 2)));
    assert.equal(llama.maxThreads, base);
  });

  it("keeps the base while other work runs or a context is created, since node-llama-cpp clamps new contexts to the cap", async () => {
    const { llama } = await sharedBackend("off", () => undefined);
    const base = llama.maxThreads;
    const split = new ThreadSplit(llama, 2, 1);
    let release!: () => void;
    const generating = split.phase("generation", () => new Promise<void>((resolve) => (release = resolve)));
    assert.equal(llama.maxThreads, capped(base, 1));
    await withBaseThreads(llama, async () => assert.equal(llama.maxThreads, base, "a chat turn or a context creation sees the base"));
    assert.equal(llama.maxThreads, capped(base, 1), "the generation's cap comes back after");
    release();
    await generating;
    assert.equal(llama.maxThreads, base);
  });

  it("changes nothing when both phases want the same count", async () => {
    const { llama } = await sharedBackend("off", () => undefined);
    const split = new ThreadSplit(llama, 1, 1);
    assert.equal(split.active, false);
    await split.phase("generation", async () => assert.equal(llama.maxThreads, split.currentCap));
  });
});
