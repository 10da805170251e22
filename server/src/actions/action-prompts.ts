// The prompt for each code action. The model sees the code, its language and, for a fix, the
// diagnostic and the lines around it; edit actions ask for exactly one fenced code block back.
export type EditActionKind = "fix" | "document" | "tests" | "refactor";

export interface ActionSubject {
  languageId: string;
  /** The code the action works on (the selection, or the diagnostic's lines). */
  code: string;
  /** Lines before and after `code`, for the model's orientation only. */
  before?: string;
  after?: string;
  /** The diagnostic being fixed. */
  diagnostic?: string;
  /** What the person asked for (Refactor…). */
  instruction?: string;
}

const REPLY_RULE = "Reply with the complete replacement code in one fenced code block and nothing else.";

export function editActionPrompt(kind: EditActionKind, subject: ActionSubject): string {
  const fence = "```";
  const code = `${fence}${subject.languageId}\n${subject.code}\n${fence}`;
  const around = subject.before || subject.after ? `\nSurrounding code (do not repeat it):\n${fence}${subject.languageId}\n${subject.before ?? ""}\n/* … the code above goes here … */\n${subject.after ?? ""}\n${fence}\n` : "";
  switch (kind) {
    case "fix":
      return `Fix this problem: ${subject.diagnostic ?? "the code does not work"}\n\nCode with the problem:\n${code}\n${around}\n${REPLY_RULE}`;
    case "document":
      return `Add a documentation comment in the usual style for ${subject.languageId} to this code. Keep the code unchanged.\n\n${code}\n\n${REPLY_RULE}`;
    case "tests":
      return `Write unit tests for this code, in ${subject.languageId}, using the project's usual test style.\n\n${code}\n${around}\nReply with the tests only, in one fenced code block.`;
    case "refactor":
      return `Refactor this code: ${subject.instruction ?? "make it clearer"}. Keep its behaviour.\n\n${code}\n${around}\n${REPLY_RULE}`;
  }
}

export function commitMessagePrompt(diff: string): string {
  return `Write a git commit message for this staged diff: a summary line of at most 72 characters, a blank line, then a short body saying what changed and why. Reply with the message only.\n\n\`\`\`diff\n${diff}\n\`\`\``;
}

export function summarizeChangesPrompt(diff: string): string {
  return `Summarize these uncommitted changes for a teammate: what changed, file by file, in a few bullet points.\n\n\`\`\`diff\n${diff}\n\`\`\``;
}

/** An edit task's rendered prompt, with the reply rule that lets the answer become an edit. */
export function taskEditPrompt(renderedPrompt: string, languageId: string): string {
  return `${renderedPrompt}\n\nThe code is ${languageId}. ${REPLY_RULE}`;
}
