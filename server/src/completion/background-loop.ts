// Runs the completion session's background work (growing a quick layout, warming a hinted place)
// one batch at a time through the completion sequence's queue, and only while no request is
// waiting: a request that arrives while a batch runs is next in the queue, so it waits for that one
// batch at most. Background work is optional: an error (the model was unloaded) just ends it.
import type { EvalSpeed } from "../engine/eval-speed";
import type { EngineSequence } from "../engine/sequence";
import type { CompletionSession } from "./completion-session";

/** Target time of one background batch: what a request may have to wait for. */
export const BATCH_MS = 50;
const MIN_BATCH = 8;
const MAX_BATCH = 128;
/** After a keystroke's request, background work waits this long for the next keystroke first. */
export const KEYSTROKE_IDLE_MS = 150;

/** Prompt tokens per background batch, so one batch takes about BATCH_MS at the current speed. */
export function backgroundBatchTokens(speed: EvalSpeed): number {
  const tokens = Math.round((speed.figures.promptTokensPerSecond * BATCH_MS) / 1000);
  return Math.min(MAX_BATCH, Math.max(MIN_BATCH, tokens));
}

export class BackgroundLoop {
  /** Requests inside completeAt now. */
  private pending = 0;
  private running = false;
  private dirty = false;
  private notBefore = 0;
  private wake: (() => void) | undefined;
  /** The longest suggestion requests ask for (the token budget's generation room). */
  private maxTokens = 16;
  /** Batches run and the longest one (ms): what a request may wait for. For the benchmark and tests. */
  readonly record: { batches: number; longestBatchMs: number; onBatchStart?: () => void } = { batches: 0, longestBatchMs: 0 };

  constructor(
    private readonly sequence: () => EngineSequence,
    private readonly session: CompletionSession,
    private readonly speed: EvalSpeed,
    /** Ends the work (the model was unloaded). */
    private readonly signal: AbortSignal,
  ) {}

  /** A request begins: background work stops after the batch in flight. */
  requestStarted(): void {
    this.pending++;
  }

  /** A request ended; background work may resume after `idleMs`. */
  requestEnded(idleMs: number): void {
    this.pending = Math.max(0, this.pending - 1);
    this.notBefore = Math.max(this.notBefore, performance.now() + idleMs);
    if (this.pending === 0) {
      this.wake?.();
      this.wake = undefined;
    }
  }

  /** There may be background work: run it (after `idleMs`) unless it runs already. */
  kick(maxTokens: number, idleMs = 0): void {
    this.dirty = true;
    this.maxTokens = maxTokens;
    this.notBefore = Math.max(this.notBefore, performance.now() + idleMs);
    if (!this.running) void this.run();
  }

  /**
   * A keystroke was answered at the anchor while the growth is unfinished: one growth batch goes into
   * the sequence's queue now, so the next keystroke waits for that batch at most. Steady typing (keys
   * closer together than KEYSTROKE_IDLE_MS) would otherwise starve the growth: in bench/completion it
   * ran only in pauses to think, and no keystroke reached the full layout.
   */
  keystrokeBatch(maxTokens: number): void {
    if (this.signal.aborted || !this.session.growing) return;
    this.maxTokens = maxTokens;
    this.batch().catch(() => {
      // The model was unloaded or an evaluation failed: the next request lays out as usual.
    });
  }

  /** One batch of background work through the sequence's queue; whether more remains. */
  private batch(): Promise<boolean> {
    const tokens = backgroundBatchTokens(this.speed);
    return this.sequence().withTokenStreams(this.signal, (streams) => {
      this.record.onBatchStart?.();
      const stepStarted = performance.now();
      return this.session.backgroundStep(streams, tokens, this.maxTokens).finally(() => {
        this.record.batches++;
        this.record.longestBatchMs = Math.max(this.record.longestBatchMs, performance.now() - stepStarted);
      });
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.dirty) {
        this.dirty = false;
        for (;;) {
          if (this.pending > 0) await new Promise<void>((resolve) => (this.wake = resolve));
          const wait = this.notBefore - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          if (this.pending > 0 || this.notBefore > performance.now()) continue;
          if (this.signal.aborted || !this.session.hasBackgroundWork) break;
          // Choosing a hinted place's context takes no sequence: a request meanwhile goes first.
          await this.session.prepareBackground(this.sequence().peekStreams(), this.maxTokens);
          if (this.pending > 0) continue;
          const more = await this.batch();
          if (!more) break;
        }
      }
    } catch {
      // The model was unloaded or an evaluation failed: the next request lays out as usual.
    } finally {
      this.running = false;
    }
  }
}
