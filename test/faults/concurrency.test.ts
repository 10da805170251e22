// Several processes writing the same store at once (the server and CLI runs, two windows): nothing
// one of them wrote is lost, and the file stays readable.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ChatHistoryStore } from "../../server/src/store/chat-history-store";
import { JsonMapFile } from "../../server/src/store/json-store";
import { repoRoot } from "../support/test-model";

const CHILD = path.join(repoRoot, "test", "faults", "child-writer.ts");

function writer(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], { cwd: repoRoot, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`writer exited ${code}: ${stderr}`))));
  });
}

describe("faults: concurrent writers", function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-concurrent-"))));
  after(() => fs.rm(dir, { recursive: true, force: true }));

  it("three processes adding keys to one JSON store lose none", async () => {
    const file = path.join(dir, "agent-approvals.json");
    await Promise.all(["a", "b", "c"].map((prefix) => writer(["jsonmap", file, prefix, "40"])));
    const map = new JsonMapFile<number>(file);
    for (const prefix of ["a", "b", "c"]) for (let n = 0; n < 40; n++) assert.equal(await map.get(`${prefix}-${n}`), n, `${prefix}-${n}`);
    assert.deepEqual((await fs.readdir(dir)).sort(), ["agent-approvals.json"], "no lock or temporary file is left");
  });

  it("three processes appending to one conversation: every message readable, in a valid log", async () => {
    const key = randomBytes(32);
    const historyDir = path.join(dir, "history");
    const id = await new ChatHistoryStore(historyDir, key).create();
    await Promise.all([0, 1000, 2000].map((first) => writer(["history", historyDir, key.toString("hex"), id, String(first), "30"])));
    const conversation = await new ChatHistoryStore(historyDir, key).get(id);
    assert.deepEqual(conversation.warnings, []);
    const ids = new Set(conversation.messages.map((m) => m.id));
    for (const first of [0, 1000, 2000]) for (let n = first; n < first + 30; n++) assert.ok(ids.has(`m${n}`), `m${n}`);
    assert.equal(conversation.messages.length, 90);
  });
});
