// Sweep Next-Edit's layout: Qwen2.5-Coder's pretraining file separators (<|file_sep|>, one special
// token) around each section: related files, each recent edit as an "original:/updated:" block (not
// a unified diff), then the window as it was before the last edit (original/), as it is now
// (current/), and an open updated/ section that the model fills with the rewritten window.
import { eventHunks } from "./edit-history";
import type { NextEditFormat, NextEditInput, NextEditPrompt, PromptPart } from "./prompt-format";

export const FILE_SEP = "<|file_sep|>";

export const sweepFormat: NextEditFormat = {
  family: "sweep",
  // A fixed 21-line window around the cursor, as the model was trained on.
  shape: { before: 10, after: 10, context: 0 },
  prompt(input: NextEditInput): NextEditPrompt {
    const parts: PromptPart[] = [];
    const section = (title: string, body: string) => parts.push({ special: FILE_SEP }, `${title}\n${body}\n`);
    for (const definition of input.definitions) section(definition.path, definition.text);
    for (const edit of input.edits) {
      for (const hunk of eventHunks(edit, 1)) section(`${edit.path}.diff`, `original:\n${hunk.oldLines.join("\n")}\nupdated:\n${hunk.newLines.join("\n")}`);
    }
    section(`original/${input.path}`, input.originalWindow);
    section(`current/${input.path}`, input.window.text);
    parts.push({ special: FILE_SEP }, `updated/${input.path}\n`);
    return { kind: "plain", parts, answerPrefix: "" };
  },
  stopSpecials: [FILE_SEP],
  done: (generated) => generated.includes(FILE_SEP),
  parse(generated, complete) {
    const end = generated.indexOf(FILE_SEP);
    // The section ends at the next separator or at the end of text; at the token limit it was cut off.
    if (end === -1 && !complete) return undefined;
    return (end === -1 ? generated : generated.slice(0, end)).replace(/\n$/, "");
  },
  // The section ends with the separator, a special token: generation stops on it and it adds no text.
  answer: (rewritten) => `${rewritten}\n`,
};
