import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { WorkspaceFolders } from "./workspace-folders";

describe("WorkspaceFolders (the live folder list)", () => {
  let tempDir: string;
  before(async () => {
    tempDir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-folders-")));
    for (const name of ["a", "b", "c"]) await fs.mkdir(path.join(tempDir, name));
  });
  after(() => fs.rm(tempDir, { recursive: true, force: true }));

  it("roots handed out before a change follow it: a removed folder is refused, an added one accepted", async () => {
    const folders = new WorkspaceFolders();
    await folders.set([path.join(tempDir, "a"), path.join(tempDir, "b")]);
    const roots = await folders.roots();
    assert.equal((await roots.resolveInside(path.join(tempDir, "b", "x.txt"), { forWrite: true })).ok, true);
    const removal = folders.change([], [path.join(tempDir, "b")]);
    // Refused at once, before the new list is even resolved.
    assert.equal((await roots.resolveInside(path.join(tempDir, "b", "x.txt"), { forWrite: true })).ok, false);
    await removal;
    await folders.change([path.join(tempDir, "c")], []);
    assert.equal((await roots.resolveInside(path.join(tempDir, "c", "y.txt"), { forWrite: true })).ok, true);
    assert.deepEqual(folders.paths(), [path.join(tempDir, "a"), path.join(tempDir, "c")]);
    assert.deepEqual((await folders.roots()).roots.map((r) => path.basename(r.path)), ["a", "c"]);
  });

  it("the latest of overlapping changes wins", async () => {
    const folders = new WorkspaceFolders();
    void folders.set([path.join(tempDir, "a")]);
    void folders.change([path.join(tempDir, "b")], []);
    await folders.change([], [path.join(tempDir, "a")]);
    assert.deepEqual((await folders.roots()).roots.map((r) => path.basename(r.path)), ["b"]);
  });
});
