// One warm context sequence per feature (completion, chat, agent): each keeps its own KV state,
// so switching from chat to a completion does not throw away the chat's evaluated prompt.
import {
  LlamaChat,
  LlamaCompletion,
  resolveChatWrapper,
  type ChatHistoryItem,
  type ChatWrapper,
  type Llama,
  type LlamaContextSequence,
} from "node-llama-cpp";
import { layoutTurns, type LayoutTurn } from "./chat-layout";
import { JsonGrammar } from "./json-grammar";
import { SerialQueue } from "./serial-queue";
import { withBaseThreads } from "./thread-split";
import { TokenStream, type StreamHooks } from "./token-stream";
import { toFunctions, toToolHistory, untaggedToolCalls, type ToolChatResult, type ToolChatTurn, type ToolSpec } from "./tool-chat";

export type SequenceSlot = "completion" | "chat" | "agent" | "nextEdit";
/** The main model's sequences by default; "nextEdit" is added only while next edits use the main model (one more KV cache). */
export const SEQUENCE_SLOTS: readonly SequenceSlot[] = ["completion", "chat", "agent"];

export interface GenerateOptions {
  maxTokens: number;
  signal: AbortSignal;
  temperature?: number;
  /** Called with each piece of decoded text as soon as it is sampled. */
  onText?: (text: string) => void;
  stopTexts?: readonly string[];
}

export interface GenerationResult {
  text: string;
  stopReason: "eos" | "maxTokens" | "stopText" | "cancelled";
  /** Tokens produced after the caller's signal fired (should be 0 or 1). */
  tokensAfterAbort: number;
  generatedTokens: number;
}

export interface ChatTurnOptions extends GenerateOptions {
  systemPrompt?: string;
}

/** One message of a multi-turn conversation, in the engine's terms (no node-llama-cpp types leak out). */
export interface ChatTurn {
  role: "system" | "user" | "assistant";
  text: string;
}

export class EngineSequence {
  private readonly queue = new SerialQueue();
  private readonly completion: LlamaCompletion;
  private readonly grammars = new Map<string, Promise<JsonGrammar>>();
  private multiTurn: LlamaChat | undefined;
  private layoutWrapper: ChatWrapper | undefined;

  constructor(
    readonly slot: SequenceSlot,
    private readonly llama: Llama,
    private readonly sequence: LlamaContextSequence,
    private readonly onActivity: (delta: 1 | -1) => void,
    private readonly chatWrapper?: ChatWrapper,
    private readonly options: {
      /** Speed figures and thread split that this sequence's TokenStreams report to and use. */
      hooks?: StreamHooks;
      /**
       * A second sequence that only this feature uses, under the same queue: inline completion warms
       * the next layout in it while the first keeps serving keystrokes (completion-session.ts).
       */
      spare?: LlamaContextSequence;
    } = {},
  ) {
    this.completion = new LlamaCompletion({ contextSequence: sequence });
  }

  get contextSize(): number {
    return this.sequence.contextSize;
  }

  get infillSupported(): boolean {
    return this.completion.infillSupported;
  }

  /** Prompt tokens this sequence has evaluated since it was created (cached prefixes are not counted). */
  get evaluatedInputTokens(): number {
    return this.sequence.tokenMeter.usedInputTokens;
  }

  /** Tokens currently held in this sequence's KV cache. */
  get cachedTokenCount(): number {
    return this.sequence.contextTokens.length;
  }

  /**
   * Exclusive token-level access to this sequence's KV cache (see TokenStream); the handle is valid
   * only inside `work`.
   */
  withTokens<T>(signal: AbortSignal, work: (stream: TokenStream) => Promise<T>): Promise<T> {
    return this.exclusive(signal, () => work(new TokenStream(this.sequence, this.sequence.model, this.options.hooks)), { split: true });
  }

  /**
   * Like withTokens, with the spare sequence too when this feature has one: `[main, spare]`, else
   * `[main]`. Both handles are valid only inside `work`.
   */
  withTokenStreams<T>(signal: AbortSignal, work: (streams: TokenStream[]) => Promise<T>): Promise<T> {
    const { hooks, spare } = this.options;
    return this.exclusive(
      signal,
      () => work([new TokenStream(this.sequence, this.sequence.model, hooks), ...(spare ? [new TokenStream(spare, spare.model, hooks)] : [])]),
      { split: true },
    );
  }

  /**
   * Streams for tokenizing and reading what is cached without waiting for the queue (laying out a
   * prompt while another request evaluates). They must not evaluate: that is withTokenStreams' job.
   */
  peekStreams(): TokenStream[] {
    const { spare } = this.options;
    return [new TokenStream(this.sequence, this.sequence.model), ...(spare ? [new TokenStream(spare, spare.model)] : [])];
  }

  /** Whether withTokenStreams hands out two sequences. */
  get hasSpare(): boolean {
    return this.options.spare !== undefined;
  }

  /** Tokens of `text` as TokenStream would lay them out (no BOS, no leading space added). */
  tokenize(text: string): number[] {
    return this.sequence.model.tokenize(text, false, "trimLeadingSpace");
  }

  /** A grammar for `schema`, compiled once per schema and reused (callers ask for the same few schemas every step). */
  jsonGrammar(schema: object): Promise<JsonGrammar> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      grammar = JsonGrammar.create(this.llama, this.sequence.model, schema);
      grammar.catch(() => this.grammars.delete(key));
      this.grammars.set(key, grammar);
    }
    return grammar;
  }

  /** Plain text continuation of `prompt`, streamed through onText. */
  generate(prompt: string, options: GenerateOptions): Promise<GenerationResult> {
    return this.exclusive(options.signal, async (track) => {
      const response = await this.completion.generateCompletionWithMeta(prompt, {
        ...this.samplingOptions(options, track),
        customStopTriggers: options.stopTexts ? [...options.stopTexts] : undefined,
      });
      return this.result(response.response, response.metadata.stopReason, track);
    });
  }

  /** One chat turn in the model's own chat template (node-llama-cpp resolves it from the GGUF). */
  chat(message: string, options: ChatTurnOptions): Promise<GenerationResult> {
    const system: ChatTurn[] = options.systemPrompt ? [{ role: "system", text: options.systemPrompt }] : [];
    return this.chatTurns([...system, { role: "user", text: message }], options);
  }

  /**
   * The next assistant message after `turns`, in the model's own chat template. The whole history is
   * rendered each time; node-llama-cpp keeps the sequence's evaluated tokens up to the first
   * difference, so an unchanged history costs nothing to evaluate again.
   */
  chatTurns(turns: readonly ChatTurn[], options: GenerateOptions): Promise<GenerationResult> {
    return this.exclusive(options.signal, async (track) => {
      const response = await this.multiTurnChat().generateResponse(toChatHistory(turns), {
        ...this.samplingOptions(options, track),
        customStopTriggers: options.stopTexts ? [...options.stopTexts] : undefined,
      });
      return this.result(response.response, response.metadata.stopReason, track);
    });
  }

  /**
   * The next assistant message after `turns` when the model may call `tools` (which the caller
   * runs): in the model's own function-calling format; a call ends the generation and is returned.
   */
  chatWithTools(turns: readonly ToolChatTurn[], tools: readonly ToolSpec[], options: GenerateOptions): Promise<ToolChatResult> {
    const history = toToolHistory(turns);
    const functions = toFunctions(tools);
    return this.exclusive(options.signal, async (track) => {
      const response = await this.multiTurnChat().generateResponse(history, {
        ...this.samplingOptions(options, track),
        customStopTriggers: options.stopTexts ? [...options.stopTexts] : undefined,
        functions,
        documentFunctionParams: true,
      });
      const toolCalls = (response.functionCalls ?? []).map((call) => ({ name: call.functionName, arguments: call.params as unknown }));
      const untagged = toolCalls.length === 0 ? untaggedToolCalls(response.response, tools) : undefined;
      const result = this.result(untagged ? "" : response.response, response.metadata.stopReason, track);
      return { ...result, toolCalls: untagged ?? toolCalls };
    });
  }

  /** Tokens a conversation with tools takes in the chat template, the tools' documentation included. */
  toolChatTokenCount(turns: readonly ToolChatTurn[], tools: readonly ToolSpec[]): number {
    const { contextText } = this.multiTurnChat().chatWrapper.generateContextState({ chatHistory: toToolHistory(turns), availableFunctions: toFunctions(tools), documentFunctionParams: true });
    return contextText.tokenize(this.sequence.model.tokenizer).length;
  }

  /** Tokens `turns` take once rendered in the chat template, with the opening of the next assistant message. */
  chatTokenCount(turns: readonly ChatTurn[]): number {
    return this.chatPromptTokens(turns).length;
  }

  /** The prompt `turns` become in the chat template, ending with the opening of the next assistant message. */
  chatPromptTokens(turns: readonly ChatTurn[]): number[] {
    const history = [...toChatHistory(turns), { type: "model", response: [] } satisfies ChatHistoryItem];
    const { contextText } = this.multiTurnChat().chatWrapper.generateContextState({ chatHistory: history });
    return contextText.tokenize(this.sequence.model.tokenizer);
  }

  /**
   * `turns` as tokens in the chat template, ending with the opening of the next assistant turn; an
   * assistant turn that carries its sampled tokens keeps them (chat-layout.ts), so a conversation
   * that only grows keeps its KV cache warm under TokenStream.generateAfter.
   */
  chatLayout(turns: readonly LayoutTurn[]): number[] {
    this.layoutWrapper ??= this.chatWrapper ?? resolveChatWrapper(this.sequence.model);
    return layoutTurns(this.layoutWrapper, this.sequence.model, turns);
  }

  private multiTurnChat(): LlamaChat {
    this.multiTurn ??= new LlamaChat({ contextSequence: this.sequence, autoDisposeSequence: false, chatWrapper: this.chatWrapper });
    return this.multiTurn;
  }

  private samplingOptions(options: GenerateOptions, track: AbortTracker) {
    // node-llama-cpp reads 0 or less as "no limit": a generation that never ends blocks the sequence.
    if (!Number.isInteger(options.maxTokens) || options.maxTokens < 1) throw new RangeError(`maxTokens must be a whole number of at least 1, not ${options.maxTokens}.`);
    return {
      maxTokens: options.maxTokens,
      temperature: options.temperature ?? 0,
      signal: options.signal,
      stopOnAbortSignal: true,
      onToken: (tokens: readonly unknown[]) => {
        track.generated += tokens.length;
        if (options.signal.aborted) track.afterAbort += tokens.length;
      },
      // Only ask for decoded text chunks when someone listens: decoding each token costs time.
      onTextChunk: options.onText,
    };
  }

  private result(text: string, stopReason: string, track: AbortTracker): GenerationResult {
    // "stopGenerationTrigger" is the model's own end (an end-of-generation text, or a grammar that is
    // complete), so it is an "eos" like "eogToken"; only the caller's stopTexts make a "stopText".
    const reason: GenerationResult["stopReason"] =
      stopReason === "abort" ? "cancelled" : stopReason === "maxTokens" ? "maxTokens" : stopReason === "customStopTrigger" ? "stopText" : "eos";
    return { text, stopReason: reason, tokensAfterAbort: track.afterAbort, generatedTokens: track.generated };
  }

  /**
   * Runs `work` alone on this sequence. Work that evaluates through a TokenStream (`split`) sets its
   * own thread counts per phase; any other work runs with the full thread count, and keeps others
   * from lowering it meanwhile (thread-split.ts).
   */
  private exclusive<T>(signal: AbortSignal, work: (track: AbortTracker) => Promise<T>, options: { split?: boolean } = {}): Promise<T> {
    return this.queue.run(async () => {
      this.onActivity(1);
      try {
        const run = () => work({ afterAbort: 0, generated: 0 });
        return await (options.split ? run() : withBaseThreads(this.llama, run));
      } finally {
        this.onActivity(-1);
      }
    }, signal);
  }
}

function toChatHistory(turns: readonly ChatTurn[]): ChatHistoryItem[] {
  return turns.map((turn): ChatHistoryItem =>
    turn.role === "system" ? { type: "system", text: turn.text } : turn.role === "user" ? { type: "user", text: turn.text } : { type: "model", response: [turn.text] },
  );
}

interface AbortTracker {
  afterAbort: number;
  generated: number;
}
