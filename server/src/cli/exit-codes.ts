// The one place an error becomes what `pincer` prints and the exit code it returns (README: exit
// codes). A PincerError's message is for the person as it is; anything else is a bug, shown with its stack.
import { isAbortError, PincerError } from "../platform/errors";
import { EXIT_FAILURE, EXIT_USAGE, USAGE, UsageError } from "./usage";

export function exitCodeForError(error: unknown, write: (text: string) => void): number {
  if (error instanceof UsageError) {
    write(`pincer: ${error.message}\n\n${USAGE}\n`);
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
  write(`pincer: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT_FAILURE;
}
