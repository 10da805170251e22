import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { GitUnavailableError, stagedDiff, uncommittedDiff } from "./git-changes";
import { hasGit } from "../../../test/support/git";

describe("git changes", function () {
  let dir: string;
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: dir });

  before(function () {
    if (!hasGit()) {
      console.warn("    skipped: git is not installed");
      this.skip();
    }
  });
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-git-"));
  });
  afterEach(async () => fs.rm(dir, { recursive: true, force: true }));

  it("refuses a folder that is not a repository, and an empty stage, with a clear message", async () => {
    await assert.rejects(stagedDiff(dir), (e: unknown) => e instanceof GitUnavailableError && /has no git repository of its own/.test(e.message));
    git("init", "-q");
    await assert.rejects(stagedDiff(dir), (e: unknown) => e instanceof GitUnavailableError && /Nothing is staged/.test(e.message));
    await assert.rejects(uncommittedDiff(dir), /no uncommitted changes/);
  });

  it("a workspace folder inside another repository is not that repository (only a .git at the folder's root is used)", async () => {
    git("init", "-q");
    const sub = path.join(dir, "sub");
    await fs.mkdir(sub);
    await fs.writeFile(path.join(sub, "a.txt"), "x\n");
    git("add", "-A");
    await assert.rejects(stagedDiff(sub), (e: unknown) => e instanceof GitUnavailableError && /has no git repository of its own/.test(e.message));
    assert.match((await stagedDiff(dir)).diff, /sub\/a\.txt/);
  });

  it("reads the staged diff only, and uncommitted changes with untracked names; cuts long diffs and says so", async () => {
    git("init", "-q");
    await fs.writeFile(path.join(dir, "a.txt"), "one\n");
    git("add", "a.txt");
    git("commit", "-q", "-m", "first");
    await fs.writeFile(path.join(dir, "a.txt"), "one\ntwo\n");
    git("add", "a.txt");
    await fs.writeFile(path.join(dir, "a.txt"), "one\ntwo\nthree (unstaged)\n");
    await fs.writeFile(path.join(dir, "new.txt"), "x\n");
    const staged = await stagedDiff(dir);
    assert.match(staged.diff, /\+two/);
    assert.doesNotMatch(staged.diff, /three/);
    const all = await uncommittedDiff(dir);
    assert.match(all.diff, /\+three \(unstaged\)/);
    assert.match(all.diff, /Untracked files:\n {2}new\.txt/);
    const cut = await uncommittedDiff(dir, { maxChars: 40 });
    assert.equal(cut.truncated, true);
    assert.match(cut.diff, /diff cut here/);
  });
});
