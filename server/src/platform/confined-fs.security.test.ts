// One row per way a checked path can stop leading where it was checked to lead, at the moment confined-fs opens
// or writes it (CWE-367 TOCTOU; the class of CVE-2018-15664, docker cp's symlink-exchange race). Each row sets up
// the state a racing process would leave between the check and the open, then calls the real function with the
// path as it was checked: it must refuse, and nothing outside may be read or changed.
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfinementRaceError, HardLinkError, mkdirConfined, readFileConfined, writeFileConfined } from "./confined-fs";

const SECRET = "OUTSIDE-SECRET";

interface Row {
  name: string;
  /** The racing process's work, after the check. */
  swap: (ws: string, outside: string) => Promise<void>;
  act: (ws: string) => Promise<unknown>;
  error: new (...args: never[]) => Error;
  message: RegExp;
}

const ROWS: Row[] = [
  {
    name: "read: the folder became a symlink to outside (O_NOFOLLOW does not see it; the descriptor's real path does)",
    swap: async (ws, outside) => {
      await fs.rm(path.join(ws, "dir"), { recursive: true });
      await fs.symlink(outside, path.join(ws, "dir"));
    },
    act: (ws) => readFileConfined(path.join(ws, "dir", "secret.txt")),
    error: ConfinementRaceError,
    message: process.platform === "linux" ? /it was opened at .*outside/ : /leads to|another file/,
  },
  {
    name: "read: the file became a symlink to an outside file",
    swap: async (ws, outside) => {
      await fs.rm(path.join(ws, "file.txt"));
      await fs.symlink(path.join(outside, "secret.txt"), path.join(ws, "file.txt"));
    },
    act: (ws) => readFileConfined(path.join(ws, "file.txt")),
    error: ConfinementRaceError,
    message: /is a symlink now/,
  },
  {
    name: "read: the file became a hard link to an outside file (CVE class: CVE-2024-32021)",
    swap: async (ws, outside) => {
      await fs.rm(path.join(ws, "file.txt"));
      await fs.link(path.join(outside, "secret.txt"), path.join(ws, "file.txt"));
    },
    act: (ws) => readFileConfined(path.join(ws, "file.txt")),
    error: HardLinkError,
    message: /has 2 hard links/,
  },
  {
    name: "write: the folder became a symlink to outside",
    swap: async (ws, outside) => {
      await fs.rm(path.join(ws, "dir"), { recursive: true });
      await fs.symlink(outside, path.join(ws, "dir"));
    },
    act: (ws) => writeFileConfined(path.join(ws, "dir", "secret.txt"), "pwned"),
    error: ConfinementRaceError,
    message: /is a symlink now/,
  },
  {
    name: "write: a folder above it became a symlink to outside",
    swap: async (ws, outside) => {
      await fs.mkdir(path.join(outside, "dir"), { recursive: true });
      await fs.rename(path.join(ws, "dir"), path.join(ws, "dir-old"));
      await fs.symlink(outside, path.join(ws, "up"));
      await fs.symlink(path.join("up", "dir"), path.join(ws, "dir"));
    },
    act: (ws) => writeFileConfined(path.join(ws, "dir", "new.txt"), "pwned"),
    error: ConfinementRaceError,
    message: /is a symlink now|leads to/,
  },
  {
    name: "write: the file became a symlink to an outside file",
    swap: async (ws, outside) => {
      await fs.rm(path.join(ws, "file.txt"));
      await fs.symlink(path.join(outside, "secret.txt"), path.join(ws, "file.txt"));
    },
    act: (ws) => writeFileConfined(path.join(ws, "file.txt"), "pwned"),
    error: ConfinementRaceError,
    message: /is a symlink now/,
  },
  {
    name: "write: the file became a hard link to an outside file (an in-place write would change it)",
    swap: async (ws, outside) => {
      await fs.rm(path.join(ws, "file.txt"));
      await fs.link(path.join(outside, "secret.txt"), path.join(ws, "file.txt"));
    },
    act: (ws) => writeFileConfined(path.join(ws, "file.txt"), "pwned"),
    error: HardLinkError,
    message: /hard links/,
  },
  {
    name: "mkdir: a missing folder's parent became a symlink to outside",
    swap: async (ws, outside) => {
      await fs.rm(path.join(ws, "dir"), { recursive: true });
      await fs.symlink(outside, path.join(ws, "dir"));
    },
    act: (ws) => mkdirConfined(path.join(ws, "dir", "a", "b")),
    error: ConfinementRaceError,
    message: /is a symlink now/,
  },
];

describe("confined file access (security table)", () => {
  if (process.platform === "win32") return; // symlinks and hard links need privileges there

  for (const row of ROWS) {
    it(row.name, async () => {
      const base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-confined-")));
      try {
        const ws = path.join(base, "ws");
        const outside = path.join(base, "outside");
        await fs.mkdir(path.join(ws, "dir"), { recursive: true });
        await fs.mkdir(outside);
        await fs.writeFile(path.join(ws, "dir", "secret.txt"), "inside\n");
        await fs.writeFile(path.join(ws, "file.txt"), "inside\n");
        await fs.writeFile(path.join(outside, "secret.txt"), `${SECRET}\n`);
        await row.swap(ws, outside);
        const before = await fs.readdir(outside, { recursive: true });
        await assert.rejects(row.act(ws), (error: Error) => {
          assert.ok(error instanceof row.error, `${error.name}: ${error.message}`);
          assert.match(error.message, row.message);
          assert.ok(!error.message.includes(SECRET));
          return true;
        });
        assert.deepEqual(await fs.readdir(outside, { recursive: true }), before, "nothing was created outside");
        assert.equal(await fs.readFile(path.join(outside, "secret.txt"), "utf8"), `${SECRET}\n`, "the outside file is unchanged");
      } finally {
        await fs.rm(base, { recursive: true, force: true });
      }
    });
  }

  it("writes atomically where nothing was swapped, with the asked mode, and leaves no temporary file", async () => {
    const base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-confined-")));
    try {
      await writeFileConfined(path.join(base, "a", "b", "new.txt"), "hello", { mode: 0o640 });
      assert.equal(await fs.readFile(path.join(base, "a", "b", "new.txt"), "utf8"), "hello");
      assert.equal((await fs.stat(path.join(base, "a", "b", "new.txt"))).mode & 0o777, 0o640);
      assert.deepEqual(await fs.readdir(path.join(base, "a", "b")), ["new.txt"]);
      assert.equal((await readFileConfined(path.join(base, "a", "b", "new.txt"))).toString(), "hello");
    } finally {
      await fs.rm(base, { recursive: true, force: true });
    }
  });
});
