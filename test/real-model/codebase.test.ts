// The codebase index's embedding path on real weights (issue 17): a real GGUF loads as an embedding
// model, a chunk longer than its 512-token context is cut with the real tokenizer instead of failing,
// every chunk gets a vector of the model's width, searches fuse both rankings, and an edit re-embeds
// only the changed chunk. Retrieval quality is NOT asserted: the real test models are decoders, not
// embedding models (on five one-function files they put the right file first for 2 of 5 paraphrased
// queries with Gemma 3 270M), so quality is bench/index.ts's job with an embedding model.
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { embedderFor } from "../../server/src/codebase/embedding-prompts";
import { CodebaseIndex } from "../../server/src/codebase/index-service";
import { EmbeddingModel } from "../../server/src/engine/embedding";
import { requireRealModel } from "../support/test-model";

/** These calls are never cancelled. */
const signal = new AbortController().signal;

describe("codebase index on real weights (Gemma 3 270M as the embedding model)", function () {
  this.timeout(300_000);
  let model: EmbeddingModel;
  let dir: string;

  before(async function () {
    const modelPath = requireRealModel(this, "gemma3-270m");
    model = await EmbeddingModel.load({ signal, modelPath, gpu: "off", log: () => undefined, threads: 1 });
    dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-real-codebase-")));
  });

  after(async () => {
    await model?.dispose();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("embeds every chunk (a long one cut to the context), fuses both rankings, and re-embeds only what changed", async () => {
    const ws = path.join(dir, "ws");
    await fs.mkdir(ws);
    await fs.writeFile(path.join(ws, "auth.ts"), "export async function verifyPassword(user: User, password: string) {\n  return bcrypt.compare(password, user.passwordHash);\n}\n");
    await fs.writeFile(path.join(ws, "geometry.ts"), "export function circleArea(radius: number): number {\n  return Math.PI * radius * radius;\n}\n");
    // One chunk of about 3,500 characters (under the chunker's 4,000 and 80 lines): well over the 512
    // tokens the embedding context holds.
    const cases = Array.from({ length: 40 }, (_, i) => `    case ${i}: return "status code number ${i} means the request should ${i % 2 ? "be retried later" : "fail now"}";`).join("\n");
    assert.ok(cases.length > 3000 && cases.length < 3900);
    await fs.writeFile(path.join(ws, "codes.ts"), `export function describeStatusCode(code: number): string {\n  switch (code) {\n${cases}\n  }\n  return "unknown";\n}\n`);

    const index = await CodebaseIndex.open({ folders: [ws], storageDir: path.join(dir, "storage") });
    try {
      const embedder = embedderFor(model, "gemma-3-270m-q4_k_m.gguf");
      assert.equal(embedder.dimensions, 640, "Gemma 3 270M's hidden size");
      await index.setEmbedder(embedder);
      const first = await index.update({ signal });
      assert.equal(index.status.chunks, 3);
      assert.equal(first.embedded, 3, "every chunk got a vector, the long one too");
      assert.equal(index.status.embedded, 3);

      const byName = await index.search("verifyPassword", { signal, limit: 3 });
      assert.equal(byName.mode, "fused");
      assert.equal(byName.pendingEmbeddings, 0);
      assert.equal(byName.hits[0]?.path, "auth.ts", "an exact name stays first after fusion");
      assert.deepEqual(byName.hits[0]?.matchedBy, ["lexical", "semantic"]);
      const paraphrase = await index.search("how big is a round shape", { signal, limit: 3 });
      assert.equal(paraphrase.mode, "fused");
      assert.ok(paraphrase.hits.length > 0 && paraphrase.hits.every((h) => h.matchedBy.includes("semantic")), "a query with no shared word is answered by the vectors");

      await fs.appendFile(path.join(ws, "geometry.ts"), "export function squareArea(side: number): number {\n  return side * side;\n}\n");
      const second = await index.update({ signal, paths: [path.join(ws, "geometry.ts")] });
      assert.equal(second.changed, 1);
      assert.equal(second.embedded, 1, "only the new chunk is embedded; unchanged chunks keep their vectors");
      assert.equal(index.status.embedded, 4);
    } finally {
      await index.close();
    }
  });
});
