import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { hasGit } from "../../../test/support/git";
import { pinnedGitEnvironment } from "./git-safe-env";
import { FIXED_SAFE_CONFIG, neutralizingOverrides } from "./program-config";
import { findOnPath, gitBinary, MIN_GIT_VERSION, parseGitVersion, pinnedRepository, versionAtLeast, WorkspaceGit } from "./workspace-git";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

describe("workspace git", function () {
  this.timeout(30_000);
  let base: string;

  before(async function () {
    if (!hasGit()) {
      console.warn("    skipped: git is not installed");
      this.skip();
    }
    base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-wsgit-")));
  });
  after(async () => {
    if (base) await fs.rm(base, { recursive: true, force: true });
  });

  it("reads git versions and needs 2.31 (GIT_CONFIG_COUNT) or newer", () => {
    assert.deepEqual(parseGitVersion("git version 2.39.5\n"), [2, 39]);
    assert.deepEqual(parseGitVersion("git version 2.45.1.windows.1"), [2, 45]);
    assert.equal(parseGitVersion("hub version 1"), undefined);
    assert.ok(versionAtLeast([2, 31], MIN_GIT_VERSION));
    assert.ok(versionAtLeast([3, 0], MIN_GIT_VERSION));
    assert.ok(!versionAtLeast([2, 30], MIN_GIT_VERSION));
  });

  it("finds git only in absolute PATH entries (a relative or empty entry would be the workspace)", async () => {
    const bin = path.join(base, "bin");
    await fs.mkdir(bin);
    await fs.writeFile(path.join(bin, "git"), "#!/bin/sh\n", { mode: 0o755 });
    assert.equal(findOnPath(["", ".", "bin", bin].join(path.delimiter), "git"), path.join(bin, "git"));
    assert.equal(findOnPath(["", "."].join(path.delimiter), "git"), undefined);
    assert.ok(path.isAbsolute(gitBinary()));
  });

  it("pins the repository to a .git directly in the folder: a directory or a gitfile, never a parent's", async () => {
    const ws = path.join(base, "pin");
    await fs.mkdir(path.join(ws, "sub"), { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: ws });
    assert.deepEqual(await pinnedRepository(ws), { gitDir: path.join(ws, ".git"), workTree: ws });
    assert.equal(await pinnedRepository(path.join(ws, "sub")), undefined);
    assert.equal(await WorkspaceGit.open(path.join(ws, "sub"), NEVER_ABORTED), undefined);
    await fs.writeFile(path.join(ws, "sub", ".git"), `gitdir: ${path.join(ws, ".git")}\n`);
    assert.equal((await pinnedRepository(path.join(ws, "sub")))?.gitDir, path.join(ws, "sub", ".git"));
  });

  it("an empty .git folder is not a repository: git's own message, not a silent fallback to a parent", async () => {
    const ws = path.join(base, "empty");
    await fs.mkdir(path.join(ws, ".git"), { recursive: true });
    await assert.rejects(WorkspaceGit.open(ws, NEVER_ABORTED), /not a git repository/);
  });

  it("without GIT_NO_LAZY_FETCH (git before 2.44 / 2.39.4), the transport block alone stops a lazy fetch", async () => {
    const ws = path.join(base, "lazy");
    const marker = path.join(base, "lazy-marker");
    const evil = path.join(base, "lazy-evil.sh");
    await fs.writeFile(evil, `#!/bin/sh\necho ran >> "${marker}"\n`, { mode: 0o755 });
    await fs.mkdir(ws);
    execFileSync("git", ["init", "-q", "-b", "main"], { cwd: ws });
    for (const [key, value] of [
      ["core.repositoryformatversion", "1"],
      ["extensions.partialClone", "origin"],
      ["remote.origin.url", "ssh://attacker.invalid/x"],
      ["remote.origin.promisor", "true"],
      ["core.sshCommand", evil],
      ["protocol.allow", "always"],
      ["protocol.ssh.allow", "always"],
    ]) execFileSync("git", ["config", key!, value!], { cwd: ws });
    await fs.writeFile(path.join(ws, ".git", "refs", "heads", "main"), `${"1".repeat(40)}\n`);
    const repository = { gitDir: path.join(ws, ".git"), workTree: ws };
    const listing = execFileSync("git", ["config", "--list", "-z"], { cwd: ws, encoding: "utf8" });
    const log = (env: NodeJS.ProcessEnv) => spawnSync("git", ["log", "-n1"], { cwd: ws, env, encoding: "utf8" });

    const hardened = pinnedGitEnvironment(repository, [...FIXED_SAFE_CONFIG, ...neutralizingOverrides(listing)]);
    delete hardened.GIT_NO_LAZY_FETCH;
    const result = log(hardened);
    assert.ok(!existsSync(marker), "the lazy fetch ran core.sshCommand");
    assert.match(result.stderr, /transport 'ssh' not allowed|not allowed/);

    // The same call with no overrides and no GIT_NO_LAZY_FETCH does run it: the test can fail.
    const bare = pinnedGitEnvironment(repository, []);
    delete bare.GIT_NO_LAZY_FETCH;
    delete bare.GIT_ALLOW_PROTOCOL;
    delete bare.GIT_SSH_COMMAND;
    log(bare);
    assert.ok(existsSync(marker), "control: without the block the planted ssh command runs");
  });
});
