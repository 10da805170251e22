import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AppendFailedError, appendAllOrNothing, diskErrorReason, UnexpectedLengthError, type OpenForAppend } from "./durable-append";

/** A disk that takes `free` more bytes, in writes of at most `chunk` bytes, then fails with ENOSPC. */
function limitedDisk(state: { free: number; chunk?: number; failSync?: boolean; failTruncate?: boolean }): OpenForAppend {
  return async (filePath) => {
    const real = await fs.open(filePath, "a", 0o600);
    return {
      stat: () => real.stat(),
      async write(buffer, offset, length, position) {
        if (state.free <= 0) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
        const result = await real.write(buffer, offset, Math.min(length, state.free, state.chunk ?? Infinity), position);
        state.free -= result.bytesWritten;
        return result;
      },
      sync: async () => (state.failSync ? Promise.reject(Object.assign(new Error("EIO"), { code: "EIO" })) : real.sync()),
      truncate: async (n) => (state.failTruncate ? Promise.reject(Object.assign(new Error("EIO"), { code: "EIO" })) : real.truncate(n)),
      close: () => real.close(),
    };
  };
}

describe("appendAllOrNothing", () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-append-"));
    file = path.join(dir, "log");
    await fs.writeFile(file, "old\n");
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it("continues a short write until every byte is written", async () => {
    const length = await appendAllOrNothing(file, Buffer.from("0123456789\n"), { open: limitedDisk({ free: Infinity, chunk: 3 }) });
    assert.equal(length, 15);
    assert.equal(await fs.readFile(file, "utf8"), "old\n0123456789\n");
  });

  it("a full disk: a short write then ENOSPC leaves the file as it was", async () => {
    await assert.rejects(appendAllOrNothing(file, Buffer.from("0123456789\n"), { open: limitedDisk({ free: 4 }) }), (error: AppendFailedError) => {
      assert.equal(error.code, "ENOSPC");
      assert.equal(error.rolledBack, true);
      return true;
    });
    assert.equal(await fs.readFile(file, "utf8"), "old\n");
  });

  it("a failing fsync also cuts the record back", async () => {
    await assert.rejects(appendAllOrNothing(file, Buffer.from("new\n"), { open: limitedDisk({ free: Infinity, failSync: true }) }), /EIO/);
    assert.equal(await fs.readFile(file, "utf8"), "old\n");
  });

  it("says when the cut back failed too", async () => {
    await assert.rejects(appendAllOrNothing(file, Buffer.from("0123456789\n"), { open: limitedDisk({ free: 2, failTruncate: true }) }), (error: AppendFailedError) => !error.rolledBack);
  });

  it("writes nothing to a file of another length than expected", async () => {
    await assert.rejects(appendAllOrNothing(file, Buffer.from("new\n"), { expectedLength: 2 }), UnexpectedLengthError);
    assert.equal(await fs.readFile(file, "utf8"), "old\n");
    assert.equal(await appendAllOrNothing(file, Buffer.from("new\n"), { expectedLength: 4 }), 8);
  });

  it("names disk errors in words", () => {
    assert.equal(diskErrorReason({ code: "ENOSPC" }), "no space left on the disk");
    assert.equal(diskErrorReason({ code: "EROFS" }), "the disk is read-only");
    assert.equal(diskErrorReason(new Error("other")), "other");
  });
});
