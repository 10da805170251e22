// Zed's Zeta layout: an Alpaca-style prompt with the edit history as "User edited" unified diffs and
// an excerpt of the file in which plain-text markers delimit the editable region and mark the cursor;
// the answer repeats the excerpt with the region rewritten. The answer is opened with the excerpt up
// to the region's start marker, so the model writes only the region (fewer tokens, same output).
import { unifiedDiff } from "./edit-history";
import { withCursor, type NextEditFormat, type NextEditInput, type NextEditPrompt } from "./prompt-format";

export const ZETA_REGION_START = "<|editable_region_start|>";
export const ZETA_REGION_END = "<|editable_region_end|>";
export const ZETA_CURSOR = "<|user_cursor_is_here|>";
const START_OF_FILE = "<|start_of_file|>";

export const zetaFormat: NextEditFormat = {
  family: "zeta",
  shape: { before: 5, after: 10, context: 10 },
  prompt(input: NextEditInput): NextEditPrompt {
    const events = input.edits
      .map((edit) => `User edited ${JSON.stringify(edit.path)}:\n\`\`\`diff\n${unifiedDiff(edit)}\n\`\`\``)
      .join("\n\n");
    const head = excerptHead(input);
    const excerpt = `${head}${withCursor(input.window, ZETA_CURSOR)}\n${ZETA_REGION_END}${input.window.contextAfter ? `\n${input.window.contextAfter}` : ""}\n\`\`\``;
    const prompt = [
      "### Instruction:",
      "Study the user's recent edits, then rewrite the editable region of the excerpt with the edit they will most likely make next, keeping the cursor position in mind.",
      "",
      "### User Edits:",
      "",
      events,
      "",
      "### User Excerpt:",
      "",
      excerpt,
      "",
      "### Response:",
      "",
    ].join("\n");
    return { kind: "plain", parts: [prompt, head], answerPrefix: head };
  },
  done: (generated) => generated.includes(ZETA_REGION_END),
  parse(generated) {
    // Without the end marker the region was cut off: a partial rewrite would delete the rest.
    const end = generated.indexOf(ZETA_REGION_END);
    if (end === -1) return undefined;
    return generated.slice(0, end).replace(/\n$/, "").replaceAll(ZETA_CURSOR, "");
  },
  answer: (rewritten) => `${rewritten}\n${ZETA_REGION_END}`,
};

/** The excerpt up to and including the region's start marker line. */
function excerptHead(input: NextEditInput): string {
  const lines = [`\`\`\`${input.path}`];
  if (input.window.atStartOfFile) lines.push(START_OF_FILE);
  if (input.window.contextBefore) lines.push(input.window.contextBefore);
  lines.push(ZETA_REGION_START);
  return lines.join("\n") + "\n";
}
