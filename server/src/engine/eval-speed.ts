// How fast the loaded model evaluates prompt tokens and generates tokens right now. The thread
// calibration gives the first figures; every evaluation after that updates them (a moving average),
// because on a shared machine the speed changes with the load: the completion's time budget sizes
// its first layout from these figures, so stale ones would overshoot exactly when the machine is busy.

export interface SpeedFigures {
  /** Prompt tokens evaluated per second (batches, not single tokens). */
  promptTokensPerSecond: number;
  /** Milliseconds per generated token. */
  generationMsPerToken: number;
}

/** Prompt batches smaller than this are dominated by fixed per-call costs, not throughput: not counted. */
export const MIN_PROMPT_SAMPLE = 16;
/** Weight of a new sample in the moving average. */
const WEIGHT = 0.3;

export class EvalSpeed {
  private prompt: number;
  private generation: number;

  constructor(seed: SpeedFigures) {
    this.prompt = positive(seed.promptTokensPerSecond, 100);
    this.generation = positive(seed.generationMsPerToken, 50);
  }

  get figures(): SpeedFigures {
    return { promptTokensPerSecond: this.prompt, generationMsPerToken: this.generation };
  }

  /** `tokens` prompt tokens took `ms` in one or more batches. */
  recordPrompt(tokens: number, ms: number): void {
    if (tokens < MIN_PROMPT_SAMPLE || !(ms > 0)) return;
    this.prompt = mix(this.prompt, (tokens * 1000) / ms);
  }

  /** `tokens` generated tokens (after the first, whose time is the prompt's) took `ms`. */
  recordGeneration(tokens: number, ms: number): void {
    if (tokens < 1 || !(ms > 0)) return;
    this.generation = mix(this.generation, ms / tokens);
  }
}

function mix(old: number, sample: number): number {
  return Number.isFinite(sample) && sample > 0 ? old * (1 - WEIGHT) + sample * WEIGHT : old;
}

function positive(value: number, fallback: number): number {
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
