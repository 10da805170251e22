// The fallback for a model not trained on next edits (the main model): the same inputs as Zeta's
// layout, put as an instruction in the model's own chat template, with the answer opened at the
// region's start marker. General models follow it less reliably than a trained one: lower quality,
// which the README says.
import { unifiedDiff } from "./edit-history";
import { withCursor, type NextEditFormat, type NextEditInput, type NextEditPrompt } from "./prompt-format";
import { ZETA_CURSOR, ZETA_REGION_END, ZETA_REGION_START } from "./zeta-format";

const SYSTEM =
  "You predict a programmer's next code edit. You get their recent edits as unified diffs and an excerpt of the file they are in. " +
  `Reply with the text between ${ZETA_REGION_START} and ${ZETA_REGION_END} rewritten to contain the next edit that follows from the recent ones ` +
  "(for example the other uses of a renamed name, or a new field set in the constructor). Change nothing else, keep indentation, " +
  `and end your reply with ${ZETA_REGION_END}. If no edit follows, repeat the region unchanged.`;

export const genericFormat: NextEditFormat = {
  family: "generic",
  shape: { before: 5, after: 10, context: 8 },
  prompt(input: NextEditInput): NextEditPrompt {
    const edits = input.edits.map((edit) => `${edit.path}:\n\`\`\`diff\n${unifiedDiff(edit)}\n\`\`\``).join("\n\n");
    const definitions = input.definitions.map((d) => `${d.path}:\n\`\`\`\n${d.text}\n\`\`\``).join("\n\n");
    const excerpt = [
      input.window.contextBefore,
      ZETA_REGION_START,
      withCursor(input.window, ZETA_CURSOR),
      ZETA_REGION_END,
      input.window.contextAfter,
    ]
      .filter((part) => part !== "")
      .join("\n");
    const user = [
      `Recent edits:\n\n${edits}`,
      ...(definitions ? [`Definitions used near the cursor:\n\n${definitions}`] : []),
      `The file ${input.path} (${ZETA_CURSOR} is the cursor):\n\n\`\`\`\n${excerpt}\n\`\`\``,
      `Rewrite the region between ${ZETA_REGION_START} and ${ZETA_REGION_END}.`,
    ].join("\n\n");
    const answerPrefix = `${ZETA_REGION_START}\n`;
    return { kind: "chat", parts: [answerPrefix], system: SYSTEM, user, answerPrefix };
  },
  done: (generated) => generated.includes(ZETA_REGION_END),
  parse(generated) {
    const end = generated.indexOf(ZETA_REGION_END);
    if (end === -1) return undefined;
    // Chat models often fence their answer; the region is what is inside.
    // Small models also invent marker-like tokens (`<|editable_region_is_here|>`): never code, so dropped.
    return generated.slice(0, end).replace(/\n?```\s*$/, "").replace(/\n$/, "").replace(/<\|[a-z_]+\|>/g, "");
  },
  answer: (rewritten) => `${rewritten}\n${ZETA_REGION_END}`,
};
