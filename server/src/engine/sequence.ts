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
  type LlamaModel,
} from "node-llama-cpp";
import { layoutTurns, type LayoutTurn } from "./chat-layout";
import { JsonGrammar } from "./json-grammar";
import type { RoleContext } from "./role-context";
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
  private readonly grammars = new Map<string, Promise<JsonGrammar>>();
  /** node-llama-cpp's helpers bound to the live sequence; made again when the context was released and recreated. */
  private bound: { sequence: LlamaContextSequence; completion: LlamaCompletion; multiTurn?: LlamaChat } | undefined;
  private multiTurnWrapper: LlamaChat["chatWrapper"] | undefined;
  private layoutWrapper: ChatWrapper | undefined;

  constructor(
    readonly slot: SequenceSlot,
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    /**
     * The feature's own context, created on first use. Its first sequence is this feature's; a second
     * one, when the plan has it, is a spare only this feature uses under the same queue: inline
     * completion warms the next layout in it while the first keeps serving keystrokes
     * (completion-session.ts).
     */
    private readonly role: RoleContext,
    private readonly onActivity: (delta: 1 | -1) => void,
    private readonly chatWrapper?: ChatWrapper,
    private readonly options: {
      /** Speed figures and thread split that this sequence's TokenStreams report to and use. */
      hooks?: StreamHooks;
    } = {},
  ) {}

  get contextSize(): number {
    return this.role.contextSize;
  }

  get infillSupported(): boolean {
    return this.model.tokens.infill.prefix != null && this.model.tokens.infill.suffix != null;
  }

  /** Prompt tokens this sequence has evaluated since it was created (cached prefixes are not counted). */
  get evaluatedInputTokens(): number {
    return this.role.evaluatedInputTokens;
  }

  /** Tokens currently held in this sequence's KV cache (0 while its context is not created). */
  get cachedTokenCount(): number {
    return this.role.live?.[0]?.contextTokens.length ?? 0;
  }

  /**
   * Exclusive token-level access to this sequence's KV cache (see TokenStream); the handle is valid
   * only inside `work`.
   */
  withTokens<T>(signal: AbortSignal, work: (stream: TokenStream) => Promise<T>): Promise<T> {
    return this.exclusive(signal, (_track, [main]) => work(new TokenStream(main!, this.model, this.options.hooks)), { split: true });
  }

  /**
   * Like withTokens, with the spare sequence too when this feature has one: `[main, spare]`, else
   * `[main]`. Both handles are valid only inside `work`.
   */
  withTokenStreams<T>(signal: AbortSignal, work: (streams: TokenStream[]) => Promise<T>): Promise<T> {
    const { hooks } = this.options;
    return this.exclusive(signal, (_track, sequences) => work(sequences.map((sequence) => new TokenStream(sequence, this.model, hooks))), { split: true });
  }

  /**
   * Streams for tokenizing and reading what is cached without waiting for the queue (laying out a
   * prompt while another request evaluates). They must not evaluate: that is withTokenStreams' job.
   * None while the feature's context is not created: there is nothing cached to read.
   */
  peekStreams(): TokenStream[] {
    return (this.role.live ?? []).map((sequence) => new TokenStream(sequence, this.model));
  }

  /** Whether withTokenStreams hands out two sequences. */
  get hasSpare(): boolean {
    return this.role.plan.sequences > 1;
  }

  /** Tokens of `text` as TokenStream would lay them out (no BOS, no leading space added). */
  tokenize(text: string): number[] {
    return this.model.tokenize(text, false, "trimLeadingSpace");
  }

  /** A grammar for `schema`, compiled once per schema and reused (callers ask for the same few schemas every step). */
  jsonGrammar(schema: object): Promise<JsonGrammar> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      grammar = JsonGrammar.create(this.llama, this.model, schema);
      grammar.catch(() => this.grammars.delete(key));
      this.grammars.set(key, grammar);
    }
    return grammar;
  }

  /** Plain text continuation of `prompt`, streamed through onText. */
  generate(prompt: string, options: GenerateOptions): Promise<GenerationResult> {
    return this.exclusive(options.signal, async (track, sequences) => {
      const response = await this.bind(sequences[0]!).completion.generateCompletionWithMeta(prompt, {
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
    return this.exclusive(options.signal, async (track, sequences) => {
      const response = await this.multiTurnChat(sequences[0]!).generateResponse(toChatHistory(turns), {
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
    return this.exclusive(options.signal, async (track, sequences) => {
      const response = await this.multiTurnChat(sequences[0]!).generateResponse(history, {
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
    const { contextText } = this.chatWrapperInUse().generateContextState({ chatHistory: toToolHistory(turns), availableFunctions: toFunctions(tools), documentFunctionParams: true });
    return contextText.tokenize(this.model.tokenizer).length;
  }

  /** Tokens `turns` take once rendered in the chat template, with the opening of the next assistant message. */
  chatTokenCount(turns: readonly ChatTurn[]): number {
    return this.chatPromptTokens(turns).length;
  }

  /** The prompt `turns` become in the chat template, ending with the opening of the next assistant message. */
  chatPromptTokens(turns: readonly ChatTurn[]): number[] {
    const history = [...toChatHistory(turns), { type: "model", response: [] } satisfies ChatHistoryItem];
    const { contextText } = this.chatWrapperInUse().generateContextState({ chatHistory: history });
    return contextText.tokenize(this.model.tokenizer);
  }

  /**
   * `turns` as tokens in the chat template, ending with the opening of the next assistant turn; an
   * assistant turn that carries its sampled tokens keeps them (chat-layout.ts), so a conversation
   * that only grows keeps its KV cache warm under TokenStream.generateAfter.
   */
  chatLayout(turns: readonly LayoutTurn[]): number[] {
    this.layoutWrapper ??= this.chatWrapper ?? resolveChatWrapper(this.model);
    return layoutTurns(this.layoutWrapper, this.model, turns);
  }

  /** The wrapper LlamaChat renders turns with: the resolved one, else what LlamaChat itself would pick. */
  private chatWrapperInUse(): ChatWrapper {
    this.multiTurnWrapper ??= this.chatWrapper ?? resolveChatWrapper(this.model);
    return this.multiTurnWrapper;
  }

  private bind(sequence: LlamaContextSequence): NonNullable<EngineSequence["bound"]> {
    if (this.bound?.sequence !== sequence) this.bound = { sequence, completion: new LlamaCompletion({ contextSequence: sequence }) };
    return this.bound;
  }

  private multiTurnChat(sequence: LlamaContextSequence): LlamaChat {
    const bound = this.bind(sequence);
    bound.multiTurn ??= new LlamaChat({ contextSequence: sequence, autoDisposeSequence: false, chatWrapper: this.chatWrapperInUse() });
    return bound.multiTurn;
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
  private exclusive<T>(
    signal: AbortSignal,
    work: (track: AbortTracker, sequences: readonly LlamaContextSequence[]) => Promise<T>,
    options: { split?: boolean } = {},
  ): Promise<T> {
    return this.queue.run(async () => {
      // Creating the feature's context on its first use is part of the work (the host shows busy).
      this.onActivity(1);
      try {
        return await this.role.use(signal, (sequences) => {
          const run = () => work({ afterAbort: 0, generated: 0 }, sequences);
          return options.split ? run() : withBaseThreads(this.llama, run);
        });
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
