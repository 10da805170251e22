// A conversation in the model's own chat template, as tokens, with the model's earlier answers kept
// as the tokens it sampled. node-llama-cpp's chat wrapper renders the turns (the GGUF's template, see
// chat-wrapper.ts); rendering text and tokenizing it again could split an answer differently from
// how it was sampled (a grammar or a temperature picks tokens a tokenizer would not), and everything
// after the first different token would have to be evaluated again. Splicing the sampled tokens in
// keeps the layout append-only, so TokenStream.generateAfter evaluates only the new turns.
import { SpecialToken, SpecialTokensText, type ChatHistoryItem, type ChatWrapper, type LlamaModel } from "node-llama-cpp";
import type { TokenId } from "./token-stream";

export interface LayoutTurn {
  role: "system" | "user" | "assistant";
  text: string;
  /** For an answer the model sampled: its tokens, which must detokenize to `text`. */
  tokens?: readonly TokenId[];
}

/**
 * The tokens of `turns` rendered by `wrapper`, ending with the opening of the next assistant turn.
 * Without `tokens` on any turn this is exactly the template's own tokenization (LlamaText.tokenize).
 */
export function layoutTurns(wrapper: ChatWrapper, model: LlamaModel, turns: readonly LayoutTurn[]): TokenId[] {
  const history: ChatHistoryItem[] = [...turns.map(toHistoryItem), { type: "model", response: [] }];
  const { contextText } = wrapper.generateContextState({ chatHistory: history });
  const answers = turns.filter((turn) => turn.role === "assistant" && turn.tokens !== undefined);
  let nextAnswer = 0;
  const out: TokenId[] = [];
  let text = "";
  // Plain text is tokenized in runs between special pieces, as LlamaText.tokenize does (always
  // without an added leading space); an answer found in a run (in order, as the template wrote it)
  // contributes its sampled tokens instead.
  const pushText = (piece: string) => {
    if (piece !== "") out.push(...model.tokenize(piece, false, "trimLeadingSpace"));
  };
  const flushText = () => {
    let rest = text;
    let after: string | undefined;
    for (;;) {
      const answer = answers[nextAnswer];
      const at = answer ? rest.indexOf(answer.text) : -1;
      if (!answer || at < 0 || answer.text === "") break;
      if (after === undefined) pushText(rest.slice(0, at));
      else out.push(...continuation(model, after, rest.slice(0, at)));
      out.push(...answer.tokens!);
      after = answer.text;
      rest = rest.slice(at + answer.text.length);
      nextAnswer++;
    }
    if (after === undefined) pushText(rest);
    else out.push(...continuation(model, after, rest));
    text = "";
  };
  for (const value of contextText.values) {
    if (typeof value === "string") {
      text += value;
    } else if (value instanceof SpecialToken) {
      flushText();
      out.push(...value.tokenize(model.tokenizer));
    } else if (value instanceof SpecialTokensText) {
      flushText();
      out.push(...value.tokenize(model.tokenizer, out.length > 0));
    }
  }
  flushText();
  return out;
}

/**
 * The tokens of `text` as they follow `before` in one run of plain text. Tokenized on its own, a
 * piece can gain a leading word-boundary token (SentencePiece's "▁" before a newline) that the
 * template's own tokenization of the whole run does not have.
 */
function continuation(model: LlamaModel, before: string, text: string): TokenId[] {
  if (text === "") return [];
  const alone = model.tokenize(before, false, "trimLeadingSpace");
  const joined = model.tokenize(before + text, false, "trimLeadingSpace");
  const aligned = alone.length <= joined.length && alone.every((token, i) => joined[i] === token);
  return aligned ? joined.slice(alone.length) : model.tokenize(text, false, "trimLeadingSpace");
}

function toHistoryItem(turn: LayoutTurn): ChatHistoryItem {
  if (turn.role === "system") return { type: "system", text: turn.text };
  if (turn.role === "user") return { type: "user", text: turn.text };
  return { type: "model", response: [turn.text] };
}
