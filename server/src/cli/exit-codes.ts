// The one place an error becomes what `pincer` prints and the exit code it returns (README: exit
// codes). A PincerError's message is for the person as it is; anything else is a bug, shown with its stack.
import { isAbortError, PincerError } from "../platform/errors";
import { EXIT_FAILURE, EXIT_USAGE, usage, UsageError, usageErrorText } from "./usage";

export function exitCodeForError(error: unknown, write: (text: string) => void): number {
  if (error instanceof UsageError) {
    const text = usageErrorText(error);
    write(error.showUsage ? `pincer: ${text}\n\n${usage()}\n` : `pincer: ${text}\n`);
    return EXIT_USAGE;
  }
  if (isAbortError(error)) {
    write("pincer: cancelled\n");
    return EXIT_FAILURE;
  }
  if (error instanceof PincerError) {
    write(`pincer: ${error.message}\n`);
    return EXIT_FAILURE;
  }
  const fileProblem = fileErrorText(error);
  if (fileProblem) {
    write(`pincer: ${fileProblem}\n`);
    return EXIT_FAILURE;
  }
  write(`pincer: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT_FAILURE;
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: "no such file or folder",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "it is a folder, not a file",
  ENOTDIR: "a part of the path is not a folder",
  ELOOP: "too many symbolic links",
};

/**
 * A file the command was given cannot be read (Node's fs error with a path): one line naming it.
 * The rule (README: exit codes): a missing or unreadable input file is exit 1, never the usage text.
 */
export function fileErrorText(error: unknown): string | undefined {
  const { code, path } = (error ?? {}) as { code?: unknown; path?: unknown };
  if (typeof code !== "string" || typeof path !== "string" || !(code in FILE_ERRORS)) return undefined;
  return `cannot read ${path}: ${FILE_ERRORS[code]}.`;
}
