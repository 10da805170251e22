// The agent's answers through node-llama-cpp's own function calling, for comparison with Pincer's
// JSON answer under one grammar (EngineAgentModel). LlamaChat renders the conversation with the
// model's chat wrapper (the same one Pincer resolves), documents the tools as functions the way the
// template does (Qwen's <tools> section, or node-llama-cpp's default syntax for a template without
// tools), lets the model write text and then enforces the call with its function-name and
// parameter grammars; a call's result is rendered as the template's tool turn. Two variants:
// - "functions": as LlamaChat does it by default: the model may call a function or only write text;
//   the text before a call is the thought;
// - "functions-forced": the chat wrapper's documented `noPrefixTrigger` puts the call prefix in at
//   once, so every answer is a call; the thought is the call's first parameter.
import {
  LlamaChat,
  LlamaText,
  type ChatHistoryItem,
  type ChatModelFunctionCall,
  type ChatModelFunctions,
  type ChatModelResponse,
  type ChatWrapper,
  type ChatWrapperGenerateContextStateOptions,
  type Llama,
  type LlamaContextSequence,
} from "node-llama-cpp";
import type { AgentGenerateRequest, AgentGeneration, AgentMessage, AgentModel, JsonSchema } from "../../server/src/agent/planner/agent-model";

export type FunctionFormat = "functions" | "functions-forced";

interface SampledAnswer {
  text: string;
  call?: { name: string; params: unknown; raw: unknown; before: string };
}

export class FunctionCallingAgentModel implements AgentModel {
  private readonly chat: LlamaChat;
  private readonly wrapper: ChatWrapper;
  private answers: SampledAnswer[] = [];
  private functions: ChatModelFunctions;
  private lastRender = 0;
  private lastGenerated = 0;

  constructor(
    private readonly llama: Llama,
    private readonly sequence: LlamaContextSequence,
    wrapper: ChatWrapper,
    private readonly format: FunctionFormat,
    tools: readonly { name: string; description: string; parameters: unknown }[],
    private readonly options: { temperature: number; seed: number },
  ) {
    this.wrapper = format === "functions-forced" ? forcedCallWrapper(wrapper) : wrapper;
    this.chat = new LlamaChat({ contextSequence: sequence, chatWrapper: this.wrapper, autoDisposeSequence: false });
    this.functions = Object.fromEntries(tools.map((tool) => [tool.name, { description: tool.description, params: tool.parameters as never }]));
  }

  get contextSize(): number {
    return this.sequence.contextSize;
  }

  countTokens(messages: readonly AgentMessage[]): number {
    return this.render(this.history(messages)).length;
  }

  async generate(request: AgentGenerateRequest): Promise<AgentGeneration> {
    const variants = (request.schema as { oneOf?: JsonSchema[] }).oneOf;
    if (variants) this.functions = functionsOf(variants, this.format === "functions-forced", this.functions);
    const history = this.history(request.messages);
    const rendered = this.render(history, variants !== undefined).length;
    const newPromptTokens = Math.max(0, rendered - this.lastRender - this.lastGenerated);
    const meter = this.sequence.tokenMeter;
    const before = { input: meter.usedInputTokens, output: meter.usedOutputTokens };
    const sampling = { maxTokens: request.maxTokens, temperature: this.options.temperature, seed: this.options.seed, signal: request.signal, stopOnAbortSignal: true };
    const response = variants
      ? await this.chat.generateResponse(history, { ...sampling, functions: this.functions, maxParallelFunctionCalls: 1, documentFunctionParams: true })
      : await this.chat.generateResponse(history, { ...sampling, grammar: await this.llama.createGrammarForJsonSchema(request.schema as never) });
    const generatedTokens = meter.usedOutputTokens - before.output;
    const evaluatedPromptTokens = meter.usedInputTokens - before.input;
    this.lastRender = rendered;
    this.lastGenerated = generatedTokens;
    const call = response.functionCalls?.[0];
    const stopReason = response.metadata.stopReason === "abort" ? "cancelled" : response.metadata.stopReason === "maxTokens" && !call ? "maxTokens" : "done";
    let answer: SampledAnswer;
    let value: unknown;
    if (call) {
      const params = (call.params ?? {}) as Record<string, unknown>;
      const { thought, ...args } = params;
      value = this.format === "functions-forced" ? { thought: typeof thought === "string" ? thought : "", tool: call.functionName, args } : { thought: response.response.trim(), tool: call.functionName, args: params };
      answer = { text: JSON.stringify(value), call: { name: call.functionName, params: call.params, raw: call.raw, before: response.response } };
    } else {
      value = variants ? undefined : parse(response.response);
      answer = { text: response.response };
    }
    this.answers = [...this.answersIn(request.messages), answer];
    return { text: answer.text, value, stopReason, evaluatedPromptTokens, newPromptTokens, generatedTokens };
  }

  private answersIn(messages: readonly AgentMessage[]): SampledAnswer[] {
    let index = 0;
    return messages.filter((m) => m.role === "assistant").map((m) => (this.answers[index]?.text === m.text ? this.answers[index++]! : (index++, { text: m.text })));
  }

  /** The planner's messages as LlamaChat history: calls as function calls, observations as their results. */
  private history(messages: readonly AgentMessage[]): ChatHistoryItem[] {
    const answers = this.answersIn(messages);
    const history: ChatHistoryItem[] = [];
    let answer = 0;
    let pendingCall: ChatModelFunctionCall | undefined;
    const modelItem = (): ChatModelResponse => {
      const last = history[history.length - 1];
      if (last?.type === "model") return last;
      const item: ChatModelResponse = { type: "model", response: [] };
      history.push(item);
      return item;
    };
    for (const message of messages) {
      if (message.role === "system") history.push({ type: "system", text: functionSystemPrompt(message.text) });
      else if (message.role === "user") history.push({ type: "user", text: message.text });
      else if (message.role === "assistant") {
        const sampled = answers[answer++]!;
        const item = modelItem();
        if (sampled.call) {
          if (sampled.call.before.trim() !== "") item.response.push(sampled.call.before);
          // Each call follows the previous one's result: a new chunk, not a parallel call.
          pendingCall = { type: "functionCall", name: sampled.call.name, params: sampled.call.params, rawCall: sampled.call.raw as never, result: "", startsNewChunk: true };
          item.response.push(pendingCall);
        } else {
          pendingCall = undefined;
          item.response.push(message.text);
        }
      } else if (pendingCall) {
        pendingCall.result = message.text;
        pendingCall = undefined;
      } else {
        history.push({ type: "user", text: message.text });
      }
    }
    return history;
  }

  private render(history: ChatHistoryItem[], withFunctions = true): number[] {
    const last = history[history.length - 1];
    const full: ChatHistoryItem[] = last?.type === "model" ? history : [...history, { type: "model", response: [] }];
    const options: ChatWrapperGenerateContextStateOptions = { chatHistory: full, ...(withFunctions ? { availableFunctions: this.functions, documentFunctionParams: true } : {}) };
    return this.wrapper.generateContextState(options).contextText.tokenize(this.sequence.model.tokenizer);
  }
}

/** The planner's system turn without its JSON answer format and tool list: LlamaChat documents the functions. */
function functionSystemPrompt(text: string): string {
  const lines = text.split("\n");
  const tools = lines.findIndex((line) => line.startsWith("Tools ("));
  return lines
    .slice(0, tools < 0 ? lines.length : tools)
    .filter((line) => !line.startsWith('{"thought"'))
    .map((line) => line.replace("call exactly one tool per reply, as JSON:", "call exactly one function per reply."))
    .join("\n")
    .trim();
}

/** Each variant of the step schema as a function whose parameters are its capped args (and the thought first, when forced). */
function functionsOf(variants: readonly JsonSchema[], withThought: boolean, described: ChatModelFunctions): ChatModelFunctions {
  return Object.fromEntries(
    variants.map((variant) => {
      const properties = (variant as { properties: { thought: JsonSchema; tool: { const: string }; args: { properties: Record<string, JsonSchema> } } }).properties;
      const name = properties.tool.const;
      const args = properties.args as JsonSchema;
      const params = withThought ? { type: "object", properties: { thought: properties.thought, ...(properties.args.properties ?? {}) } } : args;
      return [name, { description: described[name]?.description, params: params as never }];
    }),
  );
}

/** The model's chat wrapper, but a call is the only way to answer: the call prefix is injected at once. */
function forcedCallWrapper(inner: ChatWrapper): ChatWrapper {
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property !== "generateContextState") return Reflect.get(target, property, receiver);
      return (options: ChatWrapperGenerateContextStateOptions) => {
        const state = target.generateContextState(options);
        if (!options.availableFunctions || Object.keys(options.availableFunctions).length === 0) return state;
        return {
          contextText: state.contextText,
          stopGenerationTriggers: state.stopGenerationTriggers,
          detectFunctionCalls: false,
          noPrefixTrigger: { type: "functionCall", inject: LlamaText(target.settings.functions.call.prefix) },
        };
      };
    },
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
