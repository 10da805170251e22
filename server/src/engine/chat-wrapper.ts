// Which chat wrapper renders a model's turns: the model's own template, as node-llama-cpp renders it.
// node-llama-cpp prefers a specialized wrapper when it finds one "equivalent" to the template, but its
// probe lets a wrapper without system-message support differ on system text: Gemma's wrapper joins
// the system text and the first user message with "\n\n---\n\n", which Gemma's template does not.
// Every Pincer chat starts with a system message, so the choice is checked on that shape.
import { JinjaTemplateChatWrapper, resolveChatWrapper, type ChatHistoryItem, type ChatWrapper, type LlamaModel } from "node-llama-cpp";
import { knownChatTemplate } from "./known-chat-templates";

export interface ResolvedChatWrapper {
  wrapper: ChatWrapper;
  /** Where the turn format comes from, for the log and `pincer doctor`. */
  source: "gguf-template" | "published-template" | "none";
}

/** The Jinja template a model is rendered with: its GGUF's own, else the one its family published. */
export function modelChatTemplate(model: LlamaModel): { template: string; source: "gguf-template" | "published-template" } | undefined {
  const own = model.fileInfo.metadata.tokenizer?.chat_template;
  if (typeof own === "string" && own.trim() !== "") return { template: own, source: "gguf-template" };
  const published = knownChatTemplate(model.fileInfo.metadata.general?.architecture);
  return published ? { template: published, source: "published-template" } : undefined;
}

export function resolveModelChatWrapper(model: LlamaModel): ResolvedChatWrapper {
  const template = modelChatTemplate(model);
  if (!template) return { wrapper: resolveChatWrapper(model), source: "none" };
  const resolved = resolveChatWrapper(model, { customWrapperSettings: { jinjaTemplate: { template: template.template } } });
  if (resolved instanceof JinjaTemplateChatWrapper) return { wrapper: resolved, source: template.source };
  const jinja = new JinjaTemplateChatWrapper({ template: template.template, tokenizer: model.tokenizer });
  return { wrapper: rendersAlike(resolved, jinja, model) ? resolved : jinja, source: template.source };
}

/** Both wrappers give the same tokens for the conversations Pincer sends (system first, then turns). */
function rendersAlike(resolved: ChatWrapper, jinja: ChatWrapper, model: LlamaModel): boolean {
  const probes: ChatHistoryItem[][] = [
    [
      { type: "system", text: "System text.\n\nMore system text." },
      { type: "user", text: "First question?" },
      { type: "model", response: [] },
    ],
    [
      { type: "system", text: "System text." },
      { type: "user", text: "First question?" },
      { type: "model", response: ["First answer."] },
      { type: "user", text: "Second question?" },
      { type: "model", response: [] },
    ],
  ];
  const render = (wrapper: ChatWrapper, chatHistory: ChatHistoryItem[]) => wrapper.generateContextState({ chatHistory }).contextText.tokenize(model.tokenizer);
  return probes.every((chatHistory) => {
    let template: readonly number[];
    try {
      template = render(jinja, chatHistory);
    } catch {
      return true; // a template node-llama-cpp cannot render here: keep its own choice
    }
    const tokens = render(resolved, chatHistory);
    return tokens.length === template.length && tokens.every((token, i) => token === template[i]);
  });
}
