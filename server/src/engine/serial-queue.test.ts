import assert from "node:assert/strict";
import { SerialQueue } from "./serial-queue";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

describe("SerialQueue", () => {
  it("runs tasks one after another, in order", async () => {
    const queue = new SerialQueue();
    const order: string[] = [];
    let release!: () => void;
    const first = queue.run(async () => {
      order.push("first starts");
      await new Promise<void>((resolve) => (release = resolve));
      order.push("first ends");
    }, NEVER_ABORTED);
    const second = queue.run(async () => void order.push("second"), NEVER_ABORTED);
    await Promise.resolve();
    release();
    await Promise.all([first, second]);
    assert.deepEqual(order, ["first starts", "first ends", "second"]);
  });

  it("a task cancelled while it waits rejects at once and never runs", async () => {
    const queue = new SerialQueue();
    let release!: () => void;
    const first = queue.run(() => new Promise<void>((resolve) => (release = resolve)), NEVER_ABORTED);
    const controller = new AbortController();
    let ran = false;
    const waiting = queue.run(async () => void (ran = true), controller.signal);
    controller.abort();
    await assert.rejects(waiting, { name: "AbortError" });
    release();
    await first;
    await queue.run(async () => undefined, NEVER_ABORTED);
    assert.equal(ran, false);
  });

  it("a running task owns the abort: its own answer comes back", async () => {
    const queue = new SerialQueue();
    const controller = new AbortController();
    const result = queue.run(async () => {
      controller.abort();
      await new Promise((resolve) => setImmediate(resolve));
      return "partial answer";
    }, controller.signal);
    assert.equal(await result, "partial answer");
  });
});
