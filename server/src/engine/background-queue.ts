// Background work (embedding the codebase index) starts only while no foreground generation
// (completion, chat, agent, actions) runs in any engine of this process. Each unit is small (one
// chunk's embedding), so a keystroke's completion overlaps at most one unit, never a queue of them.
let foreground = 0;
const idleWaiters = new Set<() => void>();

/** Engines call this with +1/-1 as generations start and end. */
export function noteForegroundActivity(delta: 1 | -1): void {
  foreground = Math.max(0, foreground + delta);
  if (foreground === 0) for (const wake of [...idleWaiters]) wake();
}

export function foregroundActive(): number {
  return foreground;
}

/** Resolves when no foreground generation runs; rejects when `signal` aborts first. */
export function whenForegroundIdle(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  if (foreground === 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const done = () => {
      idleWaiters.delete(done);
      signal.removeEventListener("abort", onAbort);
      resolve();
    };
    const onAbort = () => {
      idleWaiters.delete(done);
      reject(signal.reason as Error);
    };
    idleWaiters.add(done);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
