import assert from "node:assert/strict";
import { selectContext, type OpenDocument } from "./context-select";
import { RecentEdits } from "./recent-edits";

const utils: OpenDocument = {
  uri: "file:///ws/utils.ts",
  path: "utils.ts",
  languageId: "typescript",
  text: "export function formatPrice(cents: number): string {\n  return `$${(cents / 100).toFixed(2)}`;\n}\n\nexport function unused(): void {}\n",
};
const currentText = 'import { formatPrice } from "./utils";\n\nexport function label(cents: number) {\n  return formatPrice(\n}\n';
const current: OpenDocument = { uri: "file:///ws/main.ts", path: "main.ts", languageId: "typescript", text: currentText };

describe("selectContext", () => {
  it("offers the definitions of identifiers used near the cursor, from other open files", async () => {
    const offset = currentText.indexOf("formatPrice(\n") + "formatPrice(".length;
    const chunks = await selectContext({ ...current, offset, prefixWindowChars: currentText.length }, [current, utils]);
    assert.equal(chunks.length, 1);
    assert.equal(chunks[0]!.path, "utils.ts");
    assert.match(chunks[0]!.text, /^export function formatPrice|^function formatPrice/);
    assert.doesNotMatch(chunks.map((c) => c.text).join("\n"), /unused/);
  });

  it("adds the file's imports when the prefix window no longer shows them", async () => {
    const offset = currentText.indexOf("formatPrice(\n");
    const chunks = await selectContext({ ...current, offset, prefixWindowChars: 10 }, [current]);
    assert.ok(chunks.some((c) => c.path === "main.ts" && c.text.includes('import { formatPrice } from "./utils"')));
  });

  it("adds recently edited regions of other files, newest first", async () => {
    const edits = new RecentEdits();
    edits.record(utils.uri, 0, 0, 1);
    const chunks = await selectContext({ ...current, offset: 0, prefixWindowChars: currentText.length }, [current, utils], edits);
    assert.ok(chunks.some((c) => c.path === "utils.ts" && c.text.includes("formatPrice")));
  });

  it("offers nothing for a language without a grammar, and does not fail", async () => {
    const plain = { uri: "file:///ws/notes.txt", path: "notes.txt", languageId: "plaintext", text: "hello\nworld\n" };
    assert.deepEqual(await selectContext({ ...plain, offset: 3, prefixWindowChars: 100 }, [plain]), []);
  });
});

describe("RecentEdits", () => {
  it("merges nearby edits and skips regions next to the cursor", () => {
    const edits = new RecentEdits();
    edits.record("a", 10, 10, 1);
    edits.record("a", 12, 12, 2);
    edits.record("a", 100, 100, 3);
    const text = Array.from({ length: 200 }, (_, i) => `line ${i}`).join("\n");
    const snippets = edits.snippets(() => text, { uri: "a", line: 100, skip: 5 });
    assert.equal(snippets.length, 1, "the region at the cursor is skipped; 10 and 12 merged");
    assert.match(snippets[0]!.text, /^line 7\n[\s\S]*line 15$/);
  });

  it("forgets a closed document", () => {
    const edits = new RecentEdits();
    edits.record("a", 1, 1);
    edits.forget("a");
    assert.deepEqual(edits.snippets(() => "x\ny", { uri: "b", line: 0, skip: 0 }), []);
  });
});
