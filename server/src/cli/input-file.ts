// The one rule for a file a command is given (README: exit codes): missing or unreadable is exit
// code 1 with one line naming it, never the usage text (that is for a wrong command line).
import { promises as fs } from "node:fs";
import { PincerError } from "../platform/errors";
import { fileErrorText } from "./exit-codes";

export class InputFileError extends PincerError {
  override name = "InputFileError";
  constructor(message: string) {
    super(message, "failed");
  }
}

/** The text of an input file, or an InputFileError ("cannot read F: no such file or folder."). */
export async function readInputFile(file: string): Promise<string> {
  try {
    return await fs.readFile(file, "utf8");
  } catch (error) {
    throw new InputFileError(fileErrorText(error) ?? `cannot read ${file}: ${(error as Error).message}.`);
  }
}
