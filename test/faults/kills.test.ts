// SIGKILL at seeded random moments while a process writes: every write that had completed (the
// writer said "ok n") is still there and readable; at most the record being written is lost. The
// seed is printed, and PINCER_FAULTS_SEED=<n> replays a run.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ChatHistoryStore } from "../../server/src/store/chat-history-store";
import { repoRoot } from "../support/test-model";

const CHILD = path.join(repoRoot, "test", "faults", "child-writer.ts");
const KILLS = 12;

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Starts the writer; resolves with the last "ok n" it printed once it was killed after `afterOks` of them plus a random pause. */
function runAndKill(args: string[], afterOks: number, pauseMs: number): Promise<{ lastOk: number | undefined; finished: boolean }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    let lastOk: number | undefined;
    let oks = 0;
    let finished = false;
    let stderr = "";
    let buffered = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line === "done") finished = true;
        const match = /^ok (\d+)$/.exec(line);
        if (!match) continue;
        lastOk = Number(match[1]);
        if (++oks === afterOks) setTimeout(() => child.kill("SIGKILL"), pauseMs);
      }
    });
    child.on("exit", (code, signal) => {
      if (signal !== "SIGKILL" && code !== 0) reject(new Error(`writer failed (${code}): ${stderr}`));
      else resolve({ lastOk, finished });
    });
  });
}

describe("faults: SIGKILL during writes", function () {
  this.timeout(120_000);
  const seed = Number(process.env.PINCER_FAULTS_SEED ?? Date.now() % 100_000);
  let dir: string;

  before(async () => {
    console.log(`    (seed ${seed}; replay with PINCER_FAULTS_SEED=${seed})`);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-kills-"));
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  it(`chat history: ${KILLS} kills, every acknowledged message readable, the log keeps growing`, async () => {
    const random = seeded(seed);
    const key = randomBytes(32);
    const historyDir = path.join(dir, "history");
    const id = await new ChatHistoryStore(historyDir, key).create();
    const acknowledged = new Set<string>();
    let next = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const { lastOk } = await runAndKill(["history", historyDir, key.toString("hex"), id, String(next), "400"], 1 + Math.floor(random() * 20), Math.floor(random() * 15));
      for (let n = next; lastOk !== undefined && n <= lastOk; n++) acknowledged.add(`m${n}`);
      next = (lastOk ?? next - 1) + 2; // the one in flight may or may not have landed: skip its number
      const conversation = await new ChatHistoryStore(historyDir, key).get(id);
      const stored = new Set(conversation.messages.map((m) => m.id));
      for (const m of acknowledged) assert.ok(stored.has(m), `kill ${kill}: acknowledged ${m} is missing`);
      assert.ok(conversation.warnings.length <= 1, conversation.warnings.join("\n"));
    }
    // The next writer cuts a torn tail (keeping a copy) and goes on; stale locks of killed writers are taken over.
    const last = await runAndKill(["history", historyDir, key.toString("hex"), id, String(next), "3"], 1000, 0);
    assert.equal(last.finished, true);
    const final = await new ChatHistoryStore(historyDir, key).get(id);
    assert.deepEqual(final.warnings, []);
    for (const m of acknowledged) assert.ok(final.messages.some((message) => message.id === m), `${m} is missing at the end`);
    console.log(`      ${acknowledged.size} acknowledged messages survived ${KILLS} kills`);
  });

  it(`atomic files: ${KILLS} kills, the file always holds a whole version, never older than the last acknowledged`, async () => {
    const random = seeded(seed + 1);
    const file = path.join(dir, "atomic", "state.json");
    let next = 0;
    let lastAcknowledged = -1;
    for (let kill = 0; kill < KILLS; kill++) {
      const { lastOk } = await runAndKill(["atomic", file, String(next), "400"], 1 + Math.floor(random() * 10), Math.floor(random() * 15));
      if (lastOk !== undefined) lastAcknowledged = lastOk;
      next = lastAcknowledged + 2;
      const content = JSON.parse(await fs.readFile(file, "utf8")) as { n: number };
      assert.ok(content.n === lastAcknowledged || content.n === lastAcknowledged + 1, `kill ${kill}: holds version ${content.n}, last acknowledged ${lastAcknowledged}`);
    }
  });
});
