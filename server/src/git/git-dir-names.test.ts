import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gitDirectoryWrite } from "./git-dir-names";

describe("writes that would make a git directory", () => {
  let root: string;
  before(async () => {
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-gitdir-")));
    await fs.mkdir(path.join(root, "archive"));
    await fs.writeFile(path.join(root, "archive", "HEAD"), "ref: refs/heads/main\n");
  });
  after(() => fs.rm(root, { recursive: true, force: true }));

  it("HEAD anywhere, and objects/refs/config next to a HEAD; ordinary config folders stay ordinary", async () => {
    const cases: [string, boolean][] = [
      ["HEAD", true],
      ["sub/HEAD", true],
      ["archive/config", true],
      ["archive/objects/.keep", true],
      ["archive/refs/heads/main", true],
      ["archive/commondir", true],
      ["config", false],
      ["config/app.json", false],
      ["objects/.keep", false],
      ["refs/notes.md", false],
      ["HEAD/inside-a-folder-named-HEAD.txt", false],
      ["archive/README.md", false],
    ];
    for (const [relative, asks] of cases) assert.equal((await gitDirectoryWrite(root, relative)) !== undefined, asks, relative);
  });

  it("case-insensitive file systems: head is HEAD", async () => {
    assert.ok(await gitDirectoryWrite(root, "head", { caseInsensitive: true }));
    assert.equal(await gitDirectoryWrite(root, "head"), undefined);
  });
});
