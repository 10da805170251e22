// An edit action from start to end in domain terms: pick the code, prompt, generate, and turn the
// answer into a replacement. The caller decides whether the person may see and accept it.
import type { GenerationResult } from "../engine/sequence";
import { editActionPrompt, type EditActionKind } from "./action-prompts";
import type { ActionModel } from "./action-model";
import { replacementFor, wholeLines, type Replacement } from "./replacement";

export interface EditRequest {
  kind: EditActionKind;
  text: string;
  languageId: string;
  /** The selection or diagnostic range, as offsets. */
  start: number;
  end: number;
  diagnostic?: string;
  instruction?: string;
}

export interface ProposedReplacement {
  replacement: Replacement;
  /** The model's whole answer, before the code was taken out of it. */
  answer: string;
  stopReason: GenerationResult["stopReason"];
}

const SURROUNDING_LINES = 20;

export async function proposeEdit(model: ActionModel, request: EditRequest, options: { signal: AbortSignal }): Promise<ProposedReplacement> {
  // An empty selection or a diagnostic works on whole lines; a real selection is replaced exactly.
  const range = request.end > request.start && request.kind !== "fix" ? { start: request.start, end: request.end } : wholeLines(request.text, request.start, request.end);
  const before = request.text.slice(0, range.start).split("\n").slice(-SURROUNDING_LINES - 1).join("\n");
  const after = request.text.slice(range.end).split("\n").slice(0, SURROUNDING_LINES + 1).join("\n");
  const prompt = editActionPrompt(request.kind, {
    languageId: request.languageId,
    code: request.text.slice(range.start, range.end),
    before,
    after,
    diagnostic: request.diagnostic,
    instruction: request.instruction,
  });
  const result = await model.answer(prompt, { signal: options.signal });
  return { replacement: replacementFor(request.kind, request.text, range, result.text), answer: result.text, stopReason: result.stopReason };
}
