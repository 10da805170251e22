// The `pincer` command line is a public interface: commands, flags, exit codes and JSON shapes are
// documented in README.md and must stay stable.
import { localeFromEnv } from "../chat/answer-language";
import { PincerError } from "../platform/errors";
import { messagesFor } from "../platform/messages";
import { AGENT_PROFILES } from "../protocol";
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1; // missing or bad model, failed download, runtime error
export const EXIT_USAGE = 2; // bad arguments
export const EXIT_BUDGET_STOP = 3; // pincer run stopped on a step, token, time or context budget
export const EXIT_APPROVAL_NEEDED = 4; // pincer run needed an approval it could not get (--approve never)

/** The command line itself is wrong: exit code 2 and (unless the message says all) the usage text. */
export class UsageError extends PincerError {
  override name = "UsageError";
  readonly showUsage: boolean;
  constructor(message: string, options: { usage?: boolean } = {}) {
    super(message, "invalid-params");
    this.showUsage = options.usage !== false;
  }
}

/** The usage text in the CLI's language (LC_ALL, LC_MESSAGES or LANG; zh_CN → Simplified Chinese). */
export function usage(env: NodeJS.ProcessEnv = process.env): string {
  return messagesFor(localeFromEnv(env))("cli.usage", AGENT_PROFILES.join("|"));
}
