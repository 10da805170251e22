// A context sequence holds one conversation's KV state and can run one generation at a time;
// requests for the same sequence wait their turn here (the caller cancels what it no longer needs).
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /**
   * Runs `task` after every task queued before it. A signal aborted while the task waits rejects at
   * once with the signal's reason (the task never runs); once the task runs, it owns the abort.
   */
  run<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    let started = false;
    const turn = this.tail.then(() => {
      signal.throwIfAborted();
      started = true;
      return task();
    });
    this.tail = turn.catch(() => undefined);
    if (!signal) return turn;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        if (!started) reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      turn.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }
}
