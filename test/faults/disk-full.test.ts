// A full disk must fail the one write that did not fit, say so in words a person can act on, and
// keep everything written before it readable. Each test runs on a real small tmpfs when this process
// may mount one (root on Linux, as in CI), else on the injected short-write layer (short-write.ts);
// the log line says which.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { engineChatModel } from "../../server/src/chat/chat-model";
import { ChatSaveError, ChatService } from "../../server/src/chat/chat-service";
import { Engine } from "../../server/src/engine/engine";
import { writeFileAtomic } from "../../server/src/platform/atomic-fs";
import { WorkspaceRoots } from "../../server/src/platform/workspace-paths";
import { ChatHistoryStore } from "../../server/src/store/chat-history-store";
import { requireTestModel } from "../support/test-model";
import { shortWriteDisk, type ShortWriteDisk } from "./short-write";
import { mountSmallDisk, type SmallDisk } from "./tmpfs";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

const key = randomBytes(32);
const message = (id: string, text: string) => ({ id, role: "user" as const, text, at: Date.now() });

/** A folder on a disk that can be made full and freed again: the tmpfs, or the injected layer. */
interface FillableDisk {
  dir: string;
  /** For stores: the injected layer's opener (undefined on the real tmpfs). */
  open?: ShortWriteDisk["open"];
  fill(): Promise<void>;
  free(): Promise<void>;
}

const fallbackDirs: string[] = [];

async function fillableDisk(tmpfs: SmallDisk | undefined, name: string): Promise<FillableDisk> {
  if (tmpfs) {
    const dir = path.join(tmpfs.dir, name);
    await fs.mkdir(dir);
    let filler: string | undefined;
    return {
      dir,
      fill: async () => void (filler = await tmpfs.fill()),
      free: async () => {
        if (filler) await fs.rm(filler);
        filler = undefined;
      },
    };
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `pincer-${name}-`));
  fallbackDirs.push(dir);
  const layer = shortWriteDisk();
  return {
    dir,
    open: layer.open,
    // Room for part of a record: the write comes back short, the next one fails with ENOSPC.
    fill: async () => void (layer.freeBytes = 100),
    free: async () => void (layer.freeBytes = Infinity),
  };
}

describe("faults: disk full", function () {
  this.timeout(120_000);
  let tmpfs: SmallDisk | undefined;

  before(function () {
    tmpfs = mountSmallDisk(256 * 1024);
    console.log(tmpfs ? `    (on a real 256 KiB tmpfs at ${tmpfs.dir})` : "    (mount not permitted: on the injected short-write layer)");
  });
  after(async () => {
    tmpfs?.unmount();
    for (const dir of fallbackDirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
  });

  it("chat history: an append that does not fit fails clearly, and every earlier message stays readable", async () => {
    const disk = await fillableDisk(tmpfs, "history");
    const store = new ChatHistoryStore(disk.dir, key, { open: disk.open });
    const id = await store.create();
    await store.appendMessage(id, message("m1", "first"));
    await store.appendMessage(id, message("m2", "second"));
    const before = await fs.readFile(store.filePath(id));
    await disk.fill();
    await assert.rejects(store.appendMessage(id, message("m3", "a long message ".repeat(600))), /no space left on the disk.*Every earlier record is kept/);
    assert.deepEqual(await fs.readFile(store.filePath(id)), before, "the failed record left no bytes behind");
    await assert.rejects(store.create(), /no space left on the disk/);
    assert.deepEqual((await store.list()).conversations.map((c) => c.id), [id], "a conversation that could not be created is not listed");
    await disk.free();
    await store.appendMessage(id, message("m4", "after space returned"));
    const reread = await new ChatHistoryStore(disk.dir, key).get(id);
    assert.deepEqual(reread.messages.map((m) => m.id), ["m1", "m2", "m4"]);
    assert.deepEqual(reread.warnings, []);
  });

  it("atomic writes: a write that does not fit keeps the old file and leaves no temporary file", async function () {
    if (!tmpfs) {
      console.log("      (skipped: needs the tmpfs; writeFileAtomic has no injected layer)");
      return this.skip();
    }
    const dir = path.join(tmpfs.dir, "atomic");
    await fs.mkdir(dir);
    const file = path.join(dir, "settings.json");
    await writeFileAtomic(file, '{"old": true}');
    const filler = await tmpfs.fill();
    try {
      await assert.rejects(writeFileAtomic(file, "x".repeat(64 * 1024)), (error: NodeJS.ErrnoException) => error.code === "ENOSPC");
      assert.equal(await fs.readFile(file, "utf8"), '{"old": true}');
      assert.deepEqual(await fs.readdir(dir), ["settings.json"], "no temporary file is left");
    } finally {
      await fs.rm(filler);
    }
  });

  describe("a chat turn on a full disk", () => {
    let engine: Engine;
    before(async function () {
      const modelPath = requireTestModel(this);
      engine = await Engine.load({ signal: NEVER_ABORTED, modelPath, settings: { gpu: "off", gpuLayers: "auto", threads: 1, contextSize: 1024 }, log: () => undefined, slots: ["chat"] });
    });
    after(() => engine?.dispose());

    async function service(disk: FillableDisk) {
      const store = new ChatHistoryStore(path.join(disk.dir, "chat"), key, { open: disk.open });
      const roots = await WorkspaceRoots.create([disk.dir]);
      return { store, chat: new ChatService({ model: async () => engineChatModel(engine), store: () => store, roots: async () => roots, warn: () => undefined }) };
    }

    it("the question is not sent when it cannot be stored; the person is told why", async () => {
      const disk = await fillableDisk(tmpfs, "turn-question");
      const { store, chat } = await service(disk);
      const first = await chat.send({ id: "1", message: "hello", maxTokens: 4 }, { signal: NEVER_ABORTED });
      await disk.fill();
      let generated = false;
      await assert.rejects(
        chat.send({ id: "2", message: "a question ".repeat(400), conversationId: first.conversationId, maxTokens: 4 }, { signal: NEVER_ABORTED, onText: () => (generated = true) }),
        (error: ChatSaveError) => {
          assert.match(error.message, /^Your message was not sent: the chat history could not be saved \(no space left on the disk\)\. Earlier messages are kept/);
          assert.equal(error.conversationId, first.conversationId);
          return true;
        },
      );
      assert.equal(generated, false, "nothing was generated for a question that was not stored");
      await disk.free();
      const again = await chat.send({ id: "3", message: "again", conversationId: first.conversationId, maxTokens: 4 }, { signal: NEVER_ABORTED });
      assert.equal(again.conversationId, first.conversationId);
      const stored = await new ChatHistoryStore(path.join(disk.dir, "chat"), key).get(first.conversationId!);
      assert.deepEqual(stored.messages.map((m) => m.text), ["hello", first.text, "again", again.text]);
    });

    it("an answer that cannot be stored fails the turn with a clear error; the question stays stored", async () => {
      if (tmpfs) {
        // Filling a real disk at the first streamed token races the end of generation; the
        // injected layer makes this one deterministic.
        console.log("      (this case on the injected short-write layer)");
      }
      const layer = shortWriteDisk();
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-turn-answer-"));
      fallbackDirs.push(dir);
      const { chat } = await service({ dir, open: layer.open, fill: async () => undefined, free: async () => undefined });
      await assert.rejects(
        chat.send({ id: "1", message: "tell me a story", maxTokens: 24 }, { signal: NEVER_ABORTED, onText: () => void (layer.freeBytes = 0) }),
        (error: ChatSaveError) => {
          assert.match(error.message, /^The answer could not be saved to the chat history \(no space left on the disk\)/);
          assert.ok(error.conversationId, "the new conversation's id comes with the error");
          return true;
        },
      );
      const stored = await new ChatHistoryStore(path.join(dir, "chat"), key).list();
      assert.equal(stored.conversations.length, 1);
      assert.deepEqual(stored.warnings, []);
    });
  });
});
