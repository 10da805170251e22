// A process that writes in a loop and says "ok <n>" on stdout after each write has resolved, for
// the kill and concurrency tests. Usage:
//   child-writer.ts history <dir> <key-hex> <conversation-id> <first-n> <count>
//   child-writer.ts atomic <file> <first-n> <count>
//   child-writer.ts jsonmap <file> <prefix> <count>
import { randomBytes } from "node:crypto";
import { writeFileAtomic } from "../../server/src/platform/atomic-fs";
import { ChatHistoryStore } from "../../server/src/store/chat-history-store";
import { JsonMapFile } from "../../server/src/store/json-store";

const [mode, target, ...rest] = process.argv.slice(2);
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  if (mode === "history") {
    const [keyHex, id, first, count] = rest;
    const store = new ChatHistoryStore(target!, Buffer.from(keyHex!, "hex"));
    for (let n = Number(first); n < Number(first) + Number(count); n++) {
      // Records of varying length, some long enough to take several writes.
      await store.appendMessage(id!, { id: `m${n}`, role: "user", text: `message ${n} ${randomBytes(1 + (n % 7) * 900).toString("hex")}`, at: n });
      say(`ok ${n}`);
    }
  } else if (mode === "atomic") {
    const [first, count] = rest;
    for (let n = Number(first); n < Number(first) + Number(count); n++) {
      await writeFileAtomic(target!, JSON.stringify({ n, payload: randomBytes(1 + (n % 5) * 20_000).toString("hex") }));
      say(`ok ${n}`);
    }
  } else if (mode === "jsonmap") {
    const [prefix, count] = rest;
    const map = new JsonMapFile<number>(target!);
    for (let n = 0; n < Number(count); n++) {
      await map.set(`${prefix}-${n}`, n);
      say(`ok ${n}`);
    }
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
}

main().then(
  () => say("done"),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  },
);
