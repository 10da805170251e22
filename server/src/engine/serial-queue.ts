// A context sequence holds one conversation's KV state and can run one generation at a time;
// requests for the same sequence wait their turn here (the caller cancels what it no longer needs).
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const result = this.tail.then(() => {
      signal?.throwIfAborted();
      return task();
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}
