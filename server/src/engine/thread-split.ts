// Separate thread counts for prompt evaluation and generation. llama.cpp has the two settings
// (n_threads for single-token decodes, n_threads_batch for batches), but node-llama-cpp 3.22 sets
// both to one value (AddonContext::SetThreads) and offers no option for either. What it does offer:
// before every decode it asks its thread splitter how many threads the context may use, bounded by
// the public `llama.maxThreads`. So a context is created with the larger count, and while a
// TokenStream generates, `maxThreads` is lowered to the generation count (or, when prompts want
// fewer, while it evaluates a prompt).
//
// `maxThreads` belongs to the Llama instance, which every engine of the process shares, so the cap
// is kept here per instance: it is lowered only while no other work runs that did not ask for it
// (a chat turn in the same batch would otherwise run on the generation count), and it is restored
// while a context is created, because node-llama-cpp clamps a new context's thread count to it.
import type { Llama } from "node-llama-cpp";

interface CapState {
  /** maxThreads as node-llama-cpp set it, restored whenever nothing asks for less. */
  base: number;
  /** Thread counts asked for by the phases running now. */
  phases: Map<symbol, number>;
  /** Work that did not ask for a phase cap (chat, code actions) or a context being created. */
  unsplit: number;
}

const states = new WeakMap<Llama, CapState>();

function stateOf(llama: Llama): CapState {
  let state = states.get(llama);
  if (!state) {
    state = { base: llama.maxThreads, phases: new Map(), unsplit: 0 };
    states.set(llama, state);
  }
  return state;
}

function apply(llama: Llama, state: CapState): void {
  const wanted = state.unsplit > 0 || state.phases.size === 0 ? state.base : Math.max(...state.phases.values());
  // 0 means "no limit" to node-llama-cpp; a cap is never above the base.
  const cap = state.base === 0 ? wanted : Math.min(state.base, wanted);
  if (llama.maxThreads !== cap) llama.maxThreads = cap;
}

/** Runs `work` (a context creation, a chat turn) with the thread cap at its base. */
export async function withBaseThreads<T>(llama: Llama, work: () => Promise<T>): Promise<T> {
  const state = stateOf(llama);
  state.unsplit++;
  apply(llama, state);
  try {
    return await work();
  } finally {
    state.unsplit--;
    apply(llama, state);
  }
}

export class ThreadSplit {
  constructor(
    private readonly llama: Llama,
    readonly promptThreads: number,
    readonly generationThreads: number,
  ) {}

  /** Whether the two phases want different counts (otherwise phases change nothing). */
  get active(): boolean {
    return this.promptThreads !== this.generationThreads;
  }

  /** The thread count the next decode of this process would get (for tests and logs). */
  get currentCap(): number {
    return this.llama.maxThreads;
  }

  /** Runs `work` with decodes capped at the phase's thread count. */
  async phase<T>(phase: "prompt" | "generation", work: () => Promise<T>): Promise<T> {
    if (!this.active) return work();
    const state = stateOf(this.llama);
    const id = Symbol(phase);
    state.phases.set(id, phase === "prompt" ? this.promptThreads : this.generationThreads);
    apply(this.llama, state);
    try {
      return await work();
    } finally {
      state.phases.delete(id);
      apply(this.llama, state);
    }
  }
}
