// An append-only log of JSON records, each sealed with AES-256-GCM on its own line:
//   base64( iv[12] | ciphertext | tag[16] ) "\n"
// The additional data binds each record to its log and position, so records cannot be moved
// between files or reordered. One append is all or nothing (platform/durable-append.ts): every byte
// written and fsynced, or the file cut back to its last whole record. A crash can still tear the last
// line; reading never changes the file: the torn record is left out with a warning, and only the
// next append cuts it, after keeping the file as it was in `<file>.damaged-<time>`.
import { PincerError } from "../platform/errors";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { constants as fsConstants, promises as fs } from "node:fs";
import path from "node:path";
import { AppendFailedError, appendAllOrNothing, diskErrorReason, UnexpectedLengthError, type OpenForAppend } from "../platform/durable-append";
import { withStoreLock } from "./store-lock";

const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/** The key does not open this file: another key, or the file was changed. Nothing is overwritten. */
export class StoreKeyError extends PincerError {
  override name = "StoreKeyError";
}

/** A record other than the last one fails authentication: the file was damaged or edited. */
export class StoreCorruptError extends PincerError {
  override name = "StoreCorruptError";
}

/** A record could not be stored (a full disk, a read-only disk...). The file holds every earlier record, unchanged. */
export class StoreWriteError extends PincerError {
  override name = "StoreWriteError";
  constructor(
    /** Why, in words a person can act on ("no space left on the disk"). */
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export interface LogReadResult<T> {
  records: T[];
  /** Set when a torn last record is left out. */
  warning?: string;
}

export interface LogAppendResult {
  /** Set when a torn last record was cut before this append; the file as it was is kept aside. */
  warning?: string;
}

export interface LogOptions {
  /** How files are opened for appending; the disk-full fault tests inject short writes here. */
  open?: OpenForAppend;
}

interface LogState {
  /** Whole records in the file: the next record's position. */
  count: number;
  /** Bytes of those records; the file's length unless its last line is torn. */
  bytes: number;
  /** The file's last line is torn or fails authentication. */
  damagedTail: boolean;
}

export function checkKey(key: Uint8Array): Buffer {
  if (key.length !== KEY_BYTES) throw new StoreKeyError(`The history key must be ${KEY_BYTES} bytes; got ${key.length}.`);
  return Buffer.from(key);
}

export class EncryptedLog<T> {
  private readonly key: Buffer;
  private tail: Promise<unknown> = Promise.resolve();
  private state: LogState | undefined;

  constructor(
    readonly filePath: string,
    key: Uint8Array,
    /** Names the log in the additional data; a record sealed for another log does not open here. */
    private readonly logId: string,
    private readonly options: LogOptions = {},
  ) {
    this.key = checkKey(key);
  }

  /** Reads every record. A torn last record is left out with a warning; the file is not changed. */
  read(): Promise<LogReadResult<T>> {
    return this.serial(() => this.readNow());
  }

  /**
   * Appends one record durably, or throws StoreWriteError and leaves the file as it was. A torn
   * last record is cut first, after the file is copied aside.
   */
  append(record: T): Promise<LogAppendResult> {
    return this.serial(async () => {
      await fs.mkdir(path.dirname(this.filePath), { recursive: true }).catch((error: unknown) => {
        throw this.writeError(error, error);
      });
      // Another process appending to the same log would take the same record position.
      return withStoreLock(`${this.filePath}.lock`, () => this.appendLocked(record)).catch((error: unknown) => {
        throw this.writeError(error, error);
      });
    });
  }

  private async appendLocked(record: T): Promise<LogAppendResult> {
    for (let attempt = 0; ; attempt++) {
      const state = this.state ?? (await this.readNow(), this.state!);
      const warning = state.damagedTail ? await this.setAsideTornTail(state) : undefined;
      const line = Buffer.from(`${this.seal(record, state.count)}\n`, "utf8");
      try {
        state.bytes = await appendAllOrNothing(this.filePath, line, { expectedLength: state.bytes, open: this.options.open });
        state.count++;
        return { warning };
      } catch (error) {
        // Another process appended since we read it: read the file again (we hold the lock now).
        this.state = undefined;
        if (error instanceof UnexpectedLengthError && attempt === 0) continue;
        throw this.writeError(error, error instanceof AppendFailedError ? error.failure : error);
      }
    }
  }

  private async readNow(): Promise<LogReadResult<T>> {
    let data: string;
    try {
      data = await fs.readFile(this.filePath, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      this.state = { count: 0, bytes: 0, damagedTail: false };
      return { records: [] };
    }
    const lines = data.split("\n");
    // A complete file ends with "\n", so the last piece is "" unless the last write was torn.
    const complete = lines.slice(0, -1);
    const trailing = lines[lines.length - 1]!;
    const records: T[] = [];
    let bytes = 0;
    let damagedTail = trailing !== "";
    for (let index = 0; index < complete.length; index++) {
      const opened = this.open(complete[index]!, index);
      if (opened.ok) {
        records.push(opened.value);
        bytes += Buffer.byteLength(complete[index]!, "utf8") + 1;
        continue;
      }
      if (index === complete.length - 1 && trailing === "" && index > 0) {
        damagedTail = true;
        break;
      }
      if (index === 0) {
        throw new StoreKeyError(
          `${path.basename(this.filePath)} cannot be decrypted with the key in the keychain (another key, or the file was changed). It was left as it is.`,
        );
      }
      throw new StoreCorruptError(`Record ${index + 1} of ${path.basename(this.filePath)} is damaged; the file was left as it is.`);
    }
    this.state = { count: records.length, bytes, damagedTail };
    const warning = damagedTail
      ? `The last record of ${path.basename(this.filePath)} is incomplete (a crash or a full disk cut it off) and is not shown. The file is kept as it is until the next message is saved; a copy is kept then.`
      : undefined;
    return { records, warning };
  }

  /** Keeps the file as it was in `<file>.damaged-<time>`, then cuts the torn tail. Refuses (throws) when no copy can be made. */
  private async setAsideTornTail(state: LogState): Promise<string> {
    const aside = `${this.filePath}.damaged-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    try {
      await fs.copyFile(this.filePath, aside, fsConstants.COPYFILE_EXCL);
      const handle = await fs.open(this.filePath, "r+");
      try {
        await handle.truncate(state.bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      await fs.rm(aside, { force: true }).catch(() => undefined);
      this.state = undefined;
      throw this.writeError(error, error, "the damaged last record could not be copied aside");
    }
    state.damagedTail = false;
    return `The last record of ${path.basename(this.filePath)} was incomplete (a crash or a full disk cut it off) and is not shown. The file as it was is kept as ${path.basename(aside)}.`;
  }

  private writeError(error: unknown, cause: unknown, what = "the record was not saved"): Error {
    if (error instanceof StoreWriteError || error instanceof StoreKeyError || error instanceof StoreCorruptError) return error;
    const reason = diskErrorReason(cause);
    return new StoreWriteError(reason, `${path.basename(this.filePath)}: ${what} (${reason}). Every earlier record is kept.`);
  }

  private seal(record: T, index: number): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(this.aad(index));
    const body = Buffer.concat([cipher.update(JSON.stringify(record), "utf8"), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64");
  }

  private open(line: string, index: number): { ok: true; value: T } | { ok: false } {
    const raw = Buffer.from(line, "base64");
    if (raw.length < IV_BYTES + TAG_BYTES) return { ok: false };
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(this.aad(index));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString("utf8");
      return { ok: true, value: JSON.parse(text) as T };
    } catch {
      return { ok: false };
    }
  }

  private aad(index: number): Buffer {
    return Buffer.from(`pincer-log:v1:${this.logId}:${index}`, "utf8");
  }

  private serial<R>(work: () => Promise<R>): Promise<R> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
