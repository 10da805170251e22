// What a next-edit prompt format is, and which one a model gets. Each family was trained on its own
// layout (markers, the edit-history form, where the answer starts); a model answers best in the
// layout it was trained on, so the family is read from the model's name unless the setting names it.
import type { NextEditFormatSetting } from "../protocol/settings";
import type { EditableWindow, WindowShape } from "./editable-window";

export type NextEditFamily = "zeta" | "sweep" | "generic";

/** A piece of a prompt: text, or a special token by its text (tokenized as that one token when the vocabulary has it). */
export type PromptPart = string | { special: string };

export interface PromptEdit {
  /** Workspace-relative path of the edited file. */
  path: string;
  before: string;
  after: string;
}

export interface NextEditInput {
  path: string;
  languageId: string;
  /** The session's edits, oldest first; the last one is the edit the suggestion follows. */
  edits: PromptEdit[];
  window: EditableWindow;
  /** The editable window's lines as they were before the last edit of this file (Sweep's original/ block). */
  originalWindow: string;
  /** Definitions of names near the cursor (tree-sitter), from this and other open files. */
  definitions: { path: string; text: string }[];
}

export interface NextEditPrompt {
  /**
   * Plain layout: the parts are the whole prompt. Chat layout: `system` and `user` are rendered in
   * the model's chat template and `answerPrefix` opens the answer.
   */
  kind: "plain" | "chat";
  parts: PromptPart[];
  system?: string;
  user?: string;
  /** Text the answer starts with (already in the prompt: the model continues after it). */
  answerPrefix: string;
}

export interface NextEditFormat {
  family: NextEditFamily;
  shape: WindowShape;
  prompt(input: NextEditInput): NextEditPrompt;
  /** Special tokens that end the answer (they decode to no text). */
  stopSpecials?: readonly string[];
  /** Whether the generated text (after answerPrefix) already holds the whole answer. */
  done(generated: string): boolean;
  /**
   * The rewritten window from the generated text, or undefined when the answer is unusable (cut off,
   * markers missing). `complete` says whether generation ended by itself (not at the token limit).
   */
  parse(generated: string, complete: boolean): string | undefined;
  /**
   * What a model trained on this format generates (after answerPrefix) for a rewritten region: the
   * inverse of parse. The scripted seam (PINCER_NEXT_EDIT_SCRIPT) answers with it, so parse runs on it.
   */
  answer(rewritten: string): string;
}

/** The family a model's names point to: `zeta` → Zeta; `sweep` or `next-edit` → Sweep; else the general prompt. */
export function familyOfModel(names: readonly (string | undefined)[], setting: NextEditFormatSetting): NextEditFamily {
  if (setting !== "auto") return setting;
  const text = names.filter((name): name is string => !!name).join(" ").toLowerCase();
  if (/\bzeta\b|zeta[-_.]/.test(text)) return "zeta";
  if (/sweep|next[-_ ]?edit/.test(text)) return "sweep";
  return "generic";
}

/** The user's cursor inside the window, as one marker. */
export function withCursor(window: EditableWindow, marker: string): string {
  return window.text.slice(0, window.cursor) + marker + window.text.slice(window.cursor);
}

/** The whole prompt as text (chat turns, then the parts), as the scripted seam records it. */
export function promptText(prompt: NextEditPrompt): string {
  const parts = prompt.parts.map((part) => (typeof part === "string" ? part : part.special)).join("");
  return [prompt.system, prompt.user, parts].filter((text): text is string => text !== undefined).join("\n\n");
}
