// One all-or-nothing append to a file: every byte is written (a short write is continued, not
// taken for success), then fsynced; if anything fails the file is cut back to its old length, so
// the next append never lands on half a record. The disk-full fault tests drive this on a real
// small tmpfs, or through `open` with a layer that writes short and then fails.
import { promises as fs } from "node:fs";

/** The part of a FileHandle an append needs (a real FileHandle is one). */
export interface AppendHandle {
  stat(): Promise<{ size: number }>;
  write(buffer: Uint8Array, offset: number, length: number, position: null): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

export type OpenForAppend = (filePath: string) => Promise<AppendHandle>;

/** Private files (0600), opened for appending. */
export const openForAppend: OpenForAppend = (filePath) => fs.open(filePath, "a", 0o600);

/** The file was not the length the caller expected: another writer or a damaged tail. Nothing was written. */
export class UnexpectedLengthError extends Error {
  override readonly name = "UnexpectedLengthError";
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`The file is ${actual} bytes long, not the ${expected} bytes last seen.`);
  }
}

/** The append failed. `rolledBack` is false only when cutting the file back failed too. */
export class AppendFailedError extends Error {
  override readonly name = "AppendFailedError";
  constructor(
    readonly failure: NodeJS.ErrnoException,
    readonly rolledBack: boolean,
  ) {
    super(failure.message);
  }

  get code(): string | undefined {
    return this.failure.code;
  }
}

/**
 * Appends `data` whole or not at all and returns the file's new length. With `expectedLength`, a
 * file of another length is left alone (UnexpectedLengthError).
 */
export async function appendAllOrNothing(filePath: string, data: Uint8Array, options: { expectedLength?: number; open?: OpenForAppend } = {}): Promise<number> {
  const handle = await (options.open ?? openForAppend)(filePath).catch((error: NodeJS.ErrnoException) => {
    throw new AppendFailedError(error, true);
  });
  try {
    const start = (await handle.stat()).size;
    if (options.expectedLength !== undefined && start !== options.expectedLength) throw new UnexpectedLengthError(options.expectedLength, start);
    try {
      let offset = 0;
      while (offset < data.length) {
        const { bytesWritten } = await handle.write(data, offset, data.length - offset, null);
        if (bytesWritten <= 0) throw Object.assign(new Error("the disk accepted no more bytes"), { code: "ENOSPC" });
        offset += bytesWritten;
      }
      await handle.sync();
      return start + data.length;
    } catch (error) {
      let rolledBack = true;
      try {
        await handle.truncate(start);
        await handle.sync();
      } catch {
        rolledBack = false;
      }
      throw new AppendFailedError(error as NodeJS.ErrnoException, rolledBack);
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Words a person can act on for the file system errors a write meets. */
export function diskErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOSPC":
      return "no space left on the disk";
    case "EDQUOT":
      return "the disk quota is used up";
    case "EFBIG":
      return "the file is larger than the file system allows";
    case "EROFS":
      return "the disk is read-only";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EIO":
      return "the disk reported an input/output error";
    default:
      return (error as Error | undefined)?.message ?? String(error);
  }
}
