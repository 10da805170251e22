// The `pincer` command line is a public interface: commands, flags, exit codes and JSON shapes are
// documented in README.md and must stay stable.
import { localeFromEnv } from "../chat/answer-language";
import { PincerError } from "../platform/errors";
import { messagesFor, translateNote, type MessageId } from "../platform/messages";
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

/** The usage errors the catalogue has (the more specific template first: translateNote takes the first match). */
const USAGE_ERRORS = [
  "cli.error.noCommand",
  "cli.error.unknownCommand",
  "cli.error.remoteNeedsSubcommand",
  "cli.error.needsSubcommand",
  "cli.error.unknownSubcommand",
  "cli.error.unexpectedArgument",
  "cli.error.expectedArguments",
  "cli.error.emptyArgument",
  "cli.error.required",
  "cli.error.fromZero",
  "cli.error.fromOne",
  "cli.error.unknownOption",
  "cli.error.optionNeedsValue",
  "cli.error.optionTakesNoValue",
  "cli.error.contextWithoutTask",
  "cli.error.inputWithTask",
  "cli.error.sha256",
  "cli.error.profile",
  "cli.error.approve",
  "cli.error.ocrLang",
  "cli.error.voiceLang",
  "cli.error.serve",
  "cli.error.port",
  "cli.error.limit",
] as const satisfies readonly MessageId[];

export type UsageErrorId = (typeof USAGE_ERRORS)[number];

/** A usage error from the catalogue: English in the error (as tests and logs see it), translated where it is printed. */
export function usageError(id: UsageErrorId, ...args: (string | number)[]): UsageError {
  return new UsageError(messagesFor("en")(id, ...args));
}

/** A usage error's message in the terminal's language (a message the catalogue does not have stays as it is). */
export function usageErrorText(error: UsageError, env: NodeJS.ProcessEnv = process.env): string {
  return translateNote(error.message, USAGE_ERRORS, messagesFor(localeFromEnv(env)));
}

/** node:util parseArgs' errors as catalogue messages (by their code; any other stays Node's English). */
export function parseArgsError(error: unknown): UsageError {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === "string" ? message : String(error);
  const option = /'(-[^' ]*)/.exec(text)?.[1];
  if (option !== undefined && code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return usageError("cli.error.unknownOption", option);
  if (option !== undefined && code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    if (/argument missing/.test(text)) return usageError("cli.error.optionNeedsValue", option);
    if (/does not take an argument/.test(text)) return usageError("cli.error.optionTakesNoValue", option);
  }
  return new UsageError(text);
}
