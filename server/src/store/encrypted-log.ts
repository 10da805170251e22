// An append-only log of JSON records, each sealed with AES-256-GCM on its own line:
//   base64( iv[12] | ciphertext | tag[16] ) "\n"
// The additional data binds each record to its log and position, so records cannot be moved
// between files or reordered. One append is one write + fsync of one line: a crash leaves either
// the whole line or a torn last line, which fails authentication and is dropped with a warning.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";

const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/** The key does not open this file: another key, or the file was changed. Nothing is overwritten. */
export class StoreKeyError extends Error {
  override readonly name = "StoreKeyError";
}

/** A record other than the last one fails authentication: the file was damaged or edited. */
export class StoreCorruptError extends Error {
  override readonly name = "StoreCorruptError";
}

export interface LogReadResult<T> {
  records: T[];
  /** Set when a torn last record was dropped. */
  warning?: string;
}

export function checkKey(key: Uint8Array): Buffer {
  if (key.length !== KEY_BYTES) throw new StoreKeyError(`The history key must be ${KEY_BYTES} bytes; got ${key.length}.`);
  return Buffer.from(key);
}

export class EncryptedLog<T> {
  private readonly key: Buffer;
  private tail: Promise<unknown> = Promise.resolve();
  /** Records known to be in the file; the next record's position. */
  private count: number | undefined;

  constructor(
    readonly filePath: string,
    key: Uint8Array,
    /** Names the log in the additional data; a record sealed for another log does not open here. */
    private readonly logId: string,
  ) {
    this.key = checkKey(key);
  }

  /** Reads every record. A torn last record is dropped (and cut from the file before the next append). */
  read(): Promise<LogReadResult<T>> {
    return this.serial(() => this.readNow());
  }

  /** Appends one record durably (write + fsync). */
  append(record: T): Promise<void> {
    return this.serial(async () => {
      if (this.count === undefined) await this.readNow();
      const line = `${this.seal(record, this.count!)}\n`;
      await fs.mkdir(path.dirname(this.filePath), { recursive: true });
      const handle = await fs.open(this.filePath, "a", 0o600);
      try {
        await handle.write(line);
        await handle.sync();
      } finally {
        await handle.close();
      }
      this.count!++;
    });
  }

  private async readNow(): Promise<LogReadResult<T>> {
    let data: string;
    try {
      data = await fs.readFile(this.filePath, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      this.count = 0;
      return { records: [] };
    }
    const lines = data.split("\n");
    // A complete file ends with "\n", so the last piece is "" unless the last write was torn.
    const complete = lines.slice(0, -1);
    const trailing = lines[lines.length - 1]!;
    const records: T[] = [];
    let warning: string | undefined;
    for (let index = 0; index < complete.length; index++) {
      const opened = this.open(complete[index]!, index);
      if (opened.ok) {
        records.push(opened.value);
        continue;
      }
      if (index === complete.length - 1 && trailing === "" && index > 0) {
        warning = `The last record of ${path.basename(this.filePath)} was incomplete and was dropped.`;
        break;
      }
      if (index === 0) {
        throw new StoreKeyError(
          `${path.basename(this.filePath)} cannot be decrypted with the key in the keychain (another key, or the file was changed). It was left as it is.`,
        );
      }
      throw new StoreCorruptError(`Record ${index + 1} of ${path.basename(this.filePath)} is damaged; the file was left as it is.`);
    }
    if (trailing !== "") warning = `The last record of ${path.basename(this.filePath)} was cut off by a crash and was dropped.`;
    if (warning) await this.truncateTo(lines.slice(0, records.length).join("\n") + (records.length ? "\n" : ""));
    this.count = records.length;
    return { records, warning };
  }

  /** Cut a torn tail so the next append starts on a clean line. */
  private async truncateTo(kept: string): Promise<void> {
    await fs.truncate(this.filePath, Buffer.byteLength(kept, "utf8"));
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
