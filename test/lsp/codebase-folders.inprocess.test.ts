// The codebase index follows the workspace folders while the server runs: a removed folder's files
// are no longer found, an added folder's are. The server's handlers run in this process.
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CodebaseReindexRequest, CodebaseSearchRequest, DEFAULT_SETTINGS } from "../../server/src/protocol";
import { startInProcessServer } from "../support/in-process-server";
import type { TestClient } from "../support/lsp-client";

describe("codebase index and live workspace folders (LSP, in process)", function () {
  this.timeout(60_000);
  let server: TestClient;
  let tempDir: string;
  const savedCache = process.env.PINCER_CACHE_DIR;
  const folder = (name: string) => path.join(tempDir, name);
  const paths = async (query: string) => (await server.connection.sendRequest(CodebaseSearchRequest, { query, limit: 10 })).hits.map((h) => h.path);

  before(async () => {
    tempDir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-codebase-folders-")));
    for (const name of ["alpha", "beta", "gamma"]) {
      await fs.mkdir(folder(name));
      await fs.writeFile(path.join(folder(name), `${name}.ts`), `export function ${name}ParcelPickup() {\n  return "${name}";\n}\n`);
    }
    process.env.PINCER_CACHE_DIR = path.join(tempDir, "cache");
    server = await startInProcessServer({ settings: { index: { ...DEFAULT_SETTINGS.index, enabled: true, pauseOnBattery: false } }, workspaceFolders: [folder("alpha"), folder("beta")] });
  });

  after(async () => {
    await server?.stop();
    if (savedCache === undefined) delete process.env.PINCER_CACHE_DIR;
    else process.env.PINCER_CACHE_DIR = savedCache;
    await fs.rm(tempDir, { recursive: true, force: true });
  });

  it("a removed folder is no longer searched; an added one is", async () => {
    assert.equal((await server.connection.sendRequest(CodebaseReindexRequest, {})).files, 2);
    assert.deepEqual((await paths("parcel pickup")).sort(), ["alpha/alpha.ts", "beta/beta.ts"]);

    await server.changeWorkspaceFolders({ removed: [folder("beta")] });
    const afterRemove = await server.connection.sendRequest(CodebaseReindexRequest, {});
    assert.equal(afterRemove.files, 1);
    assert.deepEqual(await paths("parcel pickup"), ["alpha.ts"]);

    await server.changeWorkspaceFolders({ added: [folder("gamma")] });
    await server.connection.sendRequest(CodebaseReindexRequest, {});
    assert.deepEqual((await paths("parcel pickup")).sort(), ["alpha/alpha.ts", "gamma/gamma.ts"]);
  });
});
