import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gitRefusedName, protectedKind, WorkspaceRoots, type ProtectedKind } from "./workspace-paths";

// One row per known attack on workspace confinement, run against real temp dirs and real symlinks:
//   <base>/ws            the workspace folder
//   <base>/ws-evil/      a sibling sharing the workspace's name as a prefix
//   <base>/outside/      anything else on the disk
//   <base>/shared/       a second workspace in the shared-config layout: .vscode -> config/vscode,
//                        .pincer -> pincer-shared, team.code-workspace -> notes/team.json
interface Ctx {
  base: string;
  ws: string;
  shared: string;
  evil: string;
  outside: string;
  caseInsensitive: boolean;
}

interface Row {
  description: string;
  setup?: (ctx: Ctx) => Promise<void>;
  request: (ctx: Ctx) => string;
  forWrite?: boolean;
  /** Which workspace the row resolves in (default ws). */
  workspace?: "ws" | "shared";
  expect: (ctx: Ctx) => { ok: true; path: string; relative: string; exists: boolean; protectedKind?: ProtectedKind; refusedName?: RegExp } | { ok: false; reason: RegExp };
}

const OUTSIDE = { ok: false, reason: /^outside the workspace$/ } as const;
const SYMLINK_OUT = { ok: false, reason: /^a symlink that points outside the workspace$/ } as const;

/** fs.symlink, idempotent, so each row's setup can run alone (mocha --grep). */
async function link(target: string, at: string): Promise<void> {
  await fs.symlink(target, at).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
}

function upperFirstLetter(p: string): string {
  const base = path.basename(p);
  return path.join(path.dirname(p), base.toUpperCase());
}

const rows: Row[] = [
  {
    description: "../ traversal out of the workspace",
    request: () => "../outside/secret.txt",
    expect: () => OUTSIDE,
  },
  {
    description: "a/../../x climbs out through an inner folder",
    request: () => "src/../../outside/secret.txt",
    expect: () => OUTSIDE,
  },
  {
    description: "absolute /etc/passwd",
    request: () => "/etc/passwd",
    expect: () => OUTSIDE,
  },
  {
    description: "symlinked file pointing outside",
    setup: async (ctx) => link(path.join(ctx.outside, "secret.txt"), path.join(ctx.ws, "src", "link.txt")),
    request: () => "src/link.txt",
    expect: () => SYMLINK_OUT,
  },
  {
    description: "symlinked file pointing outside, for write",
    setup: async (ctx) => link(path.join(ctx.outside, "secret.txt"), path.join(ctx.ws, "src", "link.txt")),
    request: () => "src/link.txt",
    forWrite: true,
    expect: () => SYMLINK_OUT,
  },
  {
    description: "symlinked dir pointing outside, then a file under it",
    setup: async (ctx) => link(ctx.outside, path.join(ctx.ws, "out-dir")),
    request: () => "out-dir/secret.txt",
    expect: () => SYMLINK_OUT,
  },
  {
    description: "symlinked dir pointing outside, new file under it (write)",
    setup: async (ctx) => link(ctx.outside, path.join(ctx.ws, "out-dir")),
    request: () => "out-dir/new.txt",
    forWrite: true,
    expect: () => SYMLINK_OUT,
  },
  {
    description: "symlinked ancestor: the path's parent of a parent links out",
    setup: async (ctx) => {
      await fs.mkdir(path.join(ctx.outside, "deep", "er"), { recursive: true });
      await fs.writeFile(path.join(ctx.outside, "deep", "er", "x.txt"), "x");
      await link(path.join(ctx.outside, "deep"), path.join(ctx.ws, "src", "anc"));
    },
    request: (ctx) => path.join(ctx.ws, "src", "anc", "er", "x.txt"),
    expect: () => SYMLINK_OUT,
  },
  {
    description: "dangling symlink pointing outside (write would create the file out there)",
    setup: async (ctx) => link(path.join(ctx.outside, "not-yet.txt"), path.join(ctx.ws, "src", "dangling.txt")),
    request: () => "src/dangling.txt",
    forWrite: true,
    expect: () => SYMLINK_OUT,
  },
  {
    description: "prefix collision /…/ws vs /…/ws-evil/secret (absolute)",
    request: (ctx) => path.join(ctx.evil, "secret.txt"),
    expect: () => OUTSIDE,
  },
  {
    description: "prefix collision via ../ws-evil/secret",
    request: () => "../ws-evil/secret.txt",
    expect: () => OUTSIDE,
  },
  {
    description: "case variant of the root",
    request: (ctx) => path.join(upperFirstLetter(ctx.ws), "src", "a.ts"),
    expect: (ctx) => (ctx.caseInsensitive ? { ok: true, path: path.join(ctx.ws, "src", "a.ts"), relative: path.join("src", "a.ts"), exists: true } : OUTSIDE),
  },
  {
    description: "NUL byte",
    request: () => "src/a.ts\0../../outside/secret.txt",
    expect: () => ({ ok: false, reason: /NUL byte/ }),
  },
  {
    description: "empty path",
    request: () => "",
    expect: () => ({ ok: false, reason: /empty/ }),
  },
  {
    description: "symlink loop",
    setup: async (ctx) => {
      await link(path.join(ctx.ws, "loop-b"), path.join(ctx.ws, "loop-a"));
      await link(path.join(ctx.ws, "loop-a"), path.join(ctx.ws, "loop-b"));
    },
    request: () => "loop-a/x.txt",
    forWrite: true,
    expect: () => ({ ok: false, reason: /symlink loop/ }),
  },
  {
    description: "symlink that stays inside the workspace (allowed, resolves to the target)",
    setup: async (ctx) => link(path.join(ctx.ws, "src"), path.join(ctx.ws, "alias")),
    request: () => "alias/a.ts",
    expect: (ctx) => ({ ok: true, path: path.join(ctx.ws, "src", "a.ts"), relative: path.join("src", "a.ts"), exists: true }),
  },
  {
    description: ".. that stays inside the workspace (allowed)",
    request: () => "src/../src/a.ts",
    expect: (ctx) => ({ ok: true, path: path.join(ctx.ws, "src", "a.ts"), relative: path.join("src", "a.ts"), exists: true }),
  },
  {
    description: "the workspace root itself (allowed, relative '')",
    request: (ctx) => ctx.ws,
    expect: (ctx) => ({ ok: true, path: ctx.ws, relative: "", exists: true }),
  },
  {
    description: "new file in an existing dir (allowed for write)",
    request: () => "src/new.ts",
    forWrite: true,
    expect: (ctx) => ({ ok: true, path: path.join(ctx.ws, "src", "new.ts"), relative: path.join("src", "new.ts"), exists: false }),
  },
  {
    description: "new file in an existing dir (refused for read: does not exist)",
    request: () => "src/new.ts",
    expect: () => ({ ok: false, reason: /no such file/ }),
  },
  {
    description: "new file under a non-existing dir chain (allowed for write, nearest existing ancestor resolved)",
    setup: async (ctx) => link(path.join(ctx.ws, "src"), path.join(ctx.ws, "alias")),
    request: () => "alias/p/q/r.ts",
    forWrite: true,
    expect: (ctx) => ({ ok: true, path: path.join(ctx.ws, "src", "p", "q", "r.ts"), relative: path.join("src", "p", "q", "r.ts"), exists: false }),
  },
  {
    description: "write to .git/config is allowed but classified",
    request: () => ".git/config",
    forWrite: true,
    expect: (ctx) => ({ ok: true, path: path.join(ctx.ws, ".git", "config"), relative: path.join(".git", "config"), exists: true, protectedKind: "git" }),
  },
  {
    description: "new .pincer/rules/a.md through an inside symlink is classified by its real path",
    setup: async (ctx) => link(path.join(ctx.ws, ".pincer"), path.join(ctx.ws, "cfg")),
    request: () => "cfg/rules/a.md",
    forWrite: true,
    expect: (ctx) => ({ ok: true, path: path.join(ctx.ws, ".pincer", "rules", "a.md"), relative: path.join(".pincer", "rules", "a.md"), exists: false, protectedKind: "pincer-config" }),
  },
  // Protected folders behind symlinks (CVE class: CVE-2025-53773, an agent writing .vscode config to run
  // code or approve itself; here through a symlinked .vscode, as in the Cursor tasks.json reports).
  {
    description: "symlinked protected folder: .vscode -> config/vscode, write .vscode/tasks.json (CVE class: Cursor .vscode/tasks.json via symlink)",
    workspace: "shared",
    request: () => ".vscode/tasks.json",
    forWrite: true,
    expect: (ctx) => ({ ok: true, path: path.join(ctx.shared, "config", "vscode", "tasks.json"), relative: path.join("config", "vscode", "tasks.json"), exists: false, protectedKind: "vscode" }),
  },
  {
    description: "symlinked protected folder, reverse: config/vscode/tasks.json is protected while .vscode points there",
    workspace: "shared",
    request: () => "config/vscode/tasks.json",
    forWrite: true,
    expect: (ctx) => ({ ok: true, path: path.join(ctx.shared, "config", "vscode", "tasks.json"), relative: path.join("config", "vscode", "tasks.json"), exists: false, protectedKind: "vscode" }),
  },
  {
    description: "symlinked protected folder, reverse through ..: config/x/../vscode/settings.json",
    workspace: "shared",
    request: () => "config/x/../vscode/settings.json",
    forWrite: true,
    expect: (ctx) => ({ ok: true, path: path.join(ctx.shared, "config", "vscode", "settings.json"), relative: path.join("config", "vscode", "settings.json"), exists: true, protectedKind: "vscode" }),
  },
  {
    description: "symlinked protected folder: .pincer -> pincer-shared, edit .pincer/commands.json (widening own command rules)",
    workspace: "shared",
    request: () => ".pincer/commands.json",
    forWrite: true,
    expect: (ctx) => ({ ok: true, path: path.join(ctx.shared, "pincer-shared", "commands.json"), relative: path.join("pincer-shared", "commands.json"), exists: true, protectedKind: "pincer-config" }),
  },
  {
    description: "symlinked protected folder, reverse: pincer-shared/commands.json is protected while .pincer points there",
    workspace: "shared",
    request: () => "pincer-shared/commands.json",
    forWrite: true,
    expect: (ctx) => ({ ok: true, path: path.join(ctx.shared, "pincer-shared", "commands.json"), relative: path.join("pincer-shared", "commands.json"), exists: true, protectedKind: "pincer-config" }),
  },
  {
    description: "a symlink on the way names the protected folder: alias -> .vscode -> config/vscode, write alias/tasks.json",
    workspace: "shared",
    setup: async (ctx) => link(".vscode", path.join(ctx.shared, "alias")),
    request: () => "alias/tasks.json",
    forWrite: true,
    expect: (ctx) => ({ ok: true, path: path.join(ctx.shared, "config", "vscode", "tasks.json"), relative: path.join("config", "vscode", "tasks.json"), exists: false, protectedKind: "vscode" }),
  },
  {
    description: "symlinked *.code-workspace: team.code-workspace -> notes/team.json makes notes/team.json protected",
    workspace: "shared",
    request: () => "notes/team.json",
    forWrite: true,
    expect: (ctx) => ({ ok: true, path: path.join(ctx.shared, "notes", "team.json"), relative: path.join("notes", "team.json"), exists: true, protectedKind: "code-workspace" }),
  },
  {
    description: "files next to a symlinked protected folder stay unprotected (config/other.json)",
    workspace: "shared",
    request: () => "config/other.json",
    forWrite: true,
    expect: (ctx) => ({ ok: true, path: path.join(ctx.shared, "config", "other.json"), relative: path.join("config", "other.json"), exists: false }),
  },
  // Names git refuses: a write there breaks checkpoints, and on some file systems it IS .git
  // (CVE-2014-9390 .Git / HFS ignorables, CVE-2019-1353 NTFS git~1, CVE-2021-21300-style case-insensitive .git).
  {
    description: "CVE-2021-21300-style case-insensitive .git: .GIT/x is a name git refuses",
    request: () => ".GIT/x",
    forWrite: true,
    expect: (ctx) => ({ ok: true, path: path.join(ctx.ws, ".GIT", "x"), relative: path.join(".GIT", "x"), exists: false, ...(ctx.caseInsensitive ? { protectedKind: "git" as const } : {}), refusedName: /"\.GIT" is a name git refuses/ }),
  },
  {
    description: "CVE-2019-1353 NTFS 8.3 short name: git~1/hooks/pre-commit",
    request: () => "git~1/hooks/pre-commit",
    forWrite: true,
    expect: (ctx) => ({ ok: true, path: path.join(ctx.ws, "git~1", "hooks", "pre-commit"), relative: path.join("git~1", "hooks", "pre-commit"), exists: false, refusedName: /"git~1"/ }),
  },
  {
    description: "NTFS trailing dot: .git./config",
    request: () => ".git./config",
    forWrite: true,
    expect: (ctx) => ({ ok: true, path: path.join(ctx.ws, ".git.", "config"), relative: path.join(".git.", "config"), exists: false, refusedName: /"\.git\."/ }),
  },
  {
    description: "CVE-2014-9390 HFS+ ignorable code point: .g<U+200C>it/x",
    request: () => "sub/.g\u200cit/x",
    forWrite: true,
    expect: (ctx) => ({ ok: true, path: path.join(ctx.ws, "sub", ".g\u200cit", "x"), relative: path.join("sub", ".g\u200cit", "x"), exists: false, refusedName: /name git refuses/ }),
  },
  {
    description: "a symlink on the way leads to a name git refuses: to-GIT -> .GIT, write to-GIT/x",
    setup: async (ctx) => link(".GIT", path.join(ctx.ws, "to-GIT")),
    request: () => "to-GIT/x",
    forWrite: true,
    expect: (ctx) => ({ ok: true, path: path.join(ctx.ws, ".GIT", "x"), relative: path.join(".GIT", "x"), exists: false, ...(ctx.caseInsensitive ? { protectedKind: "git" as const } : {}), refusedName: /"\.GIT"/ }),
  },
];

describe("workspace confinement (security table)", () => {
  const ctx = {} as Ctx;
  let roots: WorkspaceRoots;
  let sharedRoots: WorkspaceRoots;

  before(async () => {
    ctx.base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-confine-")));
    ctx.ws = path.join(ctx.base, "ws");
    ctx.evil = path.join(ctx.base, "ws-evil");
    ctx.outside = path.join(ctx.base, "outside");
    await fs.mkdir(path.join(ctx.ws, "src"), { recursive: true });
    await fs.mkdir(path.join(ctx.ws, ".git"), { recursive: true });
    await fs.mkdir(path.join(ctx.ws, ".pincer"), { recursive: true });
    await fs.writeFile(path.join(ctx.ws, ".git", "config"), "[core]\n");
    await fs.writeFile(path.join(ctx.ws, "src", "a.ts"), "export const a = 1;\n");
    await fs.mkdir(ctx.evil, { recursive: true });
    await fs.writeFile(path.join(ctx.evil, "secret.txt"), "evil");
    await fs.mkdir(ctx.outside, { recursive: true });
    await fs.writeFile(path.join(ctx.outside, "secret.txt"), "secret");
    const [a, b] = await Promise.all([fs.stat(ctx.ws, { bigint: true }), fs.stat(upperFirstLetter(ctx.ws), { bigint: true }).catch(() => undefined)]);
    ctx.caseInsensitive = b !== undefined && a.ino === b.ino && a.dev === b.dev;
    console.log(`      (temp file system is case-${ctx.caseInsensitive ? "insensitive: case variants must resolve inside" : "sensitive: case variants must be a different path"})`);
    roots = await WorkspaceRoots.create([ctx.ws]);
    ctx.shared = path.join(ctx.base, "shared");
    await fs.mkdir(path.join(ctx.shared, "config", "vscode"), { recursive: true });
    await fs.writeFile(path.join(ctx.shared, "config", "vscode", "settings.json"), "{}\n");
    await fs.mkdir(path.join(ctx.shared, "pincer-shared"), { recursive: true });
    await fs.writeFile(path.join(ctx.shared, "pincer-shared", "commands.json"), '{"allow":[]}\n');
    await fs.mkdir(path.join(ctx.shared, "notes"), { recursive: true });
    await fs.writeFile(path.join(ctx.shared, "notes", "team.json"), "{}\n");
    // Relative links inside the workspace, the usual shared-config layout.
    await link(path.join("config", "vscode"), path.join(ctx.shared, ".vscode"));
    await link("pincer-shared", path.join(ctx.shared, ".pincer"));
    await link(path.join("notes", "team.json"), path.join(ctx.shared, "team.code-workspace"));
    sharedRoots = await WorkspaceRoots.create([ctx.shared]);
  });

  after(async () => {
    await fs.rm(ctx.base, { recursive: true, force: true });
  });

  it("detects the root's case sensitivity like the file system does", () => {
    assert.equal(roots.roots[0]?.caseInsensitive, ctx.caseInsensitive);
  });

  for (const row of rows) {
    it(row.description, async () => {
      await row.setup?.(ctx);
      const shared = row.workspace === "shared";
      const result = await (shared ? sharedRoots : roots).resolveInside(row.request(ctx), { forWrite: row.forWrite ?? false });
      const expected = row.expect(ctx);
      if (!expected.ok) {
        assert.equal(result.ok, false, `expected a refusal, got ${JSON.stringify(result)}`);
        if (!result.ok) assert.match(result.reason, expected.reason);
        return;
      }
      assert.ok(result.ok, `expected ok, got ${JSON.stringify(result)}`);
      assert.equal(result.path, expected.path);
      assert.equal(result.relative, expected.relative);
      assert.equal(result.exists, expected.exists);
      assert.equal(result.root.path, shared ? ctx.shared : ctx.ws);
      assert.equal(result.protectedKind, expected.protectedKind, `protected via ${result.protectedVia ?? "nothing"}`);
      if (expected.refusedName) assert.match(result.refusedName ?? "(none)", expected.refusedName);
      else assert.equal(result.refusedName, undefined);
    });
  }

  it("names the location that made a symlinked path protected", async () => {
    const result = await sharedRoots.resolveInside("config/vscode/tasks.json", { forWrite: true });
    assert.ok(result.ok);
    assert.match(result.protectedVia ?? "", /\.vscode/);
  });

  it("refuses everything when no workspace folder is open", async () => {
    const none = await WorkspaceRoots.create([]);
    const result = await none.resolveInside(path.join(ctx.ws, "src", "a.ts"));
    assert.deepEqual(result, { ok: false, reason: "no workspace folder is open" });
  });

  it("picks the most specific root and accepts a second root", async () => {
    const nested = path.join(ctx.ws, "src");
    const multi = await WorkspaceRoots.create([ctx.ws, nested, ctx.evil]);
    const inner = await multi.resolveInside(path.join(nested, "a.ts"));
    assert.ok(inner.ok);
    assert.equal(inner.root.path, nested);
    assert.equal(inner.relative, "a.ts");
    const evil = await multi.resolveInside(path.join(ctx.evil, "secret.txt"));
    assert.ok(evil.ok);
    assert.equal(evil.root.path, ctx.evil);
  });

  it("resolves a workspace folder given through a symlink to its real path", async () => {
    const linkedRoot = path.join(ctx.base, "ws-link");
    await fs.symlink(ctx.ws, linkedRoot);
    const viaLink = await WorkspaceRoots.create([linkedRoot]);
    const result = await viaLink.resolveInside(path.join(linkedRoot, "src", "a.ts"));
    assert.ok(result.ok);
    assert.equal(result.path, path.join(ctx.ws, "src", "a.ts"));
    assert.equal((await viaLink.resolveInside(path.join(linkedRoot, "..", "outside", "secret.txt"))).ok, false);
  });
});

describe("protectedKind", () => {
  const table: [string, ProtectedKind | undefined][] = [
    [".git/config", "git"],
    [".git", "git"],
    ["vendor/lib/.git/hooks/pre-commit", "git"],
    [".vscode/settings.json", "vscode"],
    [".vscode/tasks.json", "vscode"],
    ["x.code-workspace", "code-workspace"],
    ["sub/team.code-workspace", "code-workspace"],
    [".pincer/rules/a.md", "pincer-config"],
    ["src/a.ts", undefined],
    [".gitignore", undefined],
    ["docs/.github/x.md", undefined],
    ["code-workspace.md", undefined],
    ["", undefined],
  ];
  for (const [relative, kind] of table) {
    it(`${JSON.stringify(relative)} → ${kind ?? "not protected"}`, () => {
      assert.equal(protectedKind(relative), kind);
    });
  }

  it("folds case only on case-insensitive roots", () => {
    assert.equal(protectedKind(".GIT/config", { caseInsensitive: true }), "git");
    assert.equal(protectedKind(".VSCode/settings.json", { caseInsensitive: true }), "vscode");
    assert.equal(protectedKind("X.Code-Workspace", { caseInsensitive: true }), "code-workspace");
    assert.equal(protectedKind(".Pincer/rules/a.md", { caseInsensitive: true }), "pincer-config");
    assert.equal(protectedKind(".GIT/config", { caseInsensitive: false }), undefined);
  });
});

// git's verify_path refuses these names (core.protectNTFS and protectHFS rules, applied on every platform here):
// a checkpoint cannot store them, and on some file system each one is the repository's own .git.
describe("gitRefusedName", () => {
  const table: [string, boolean, { symlink?: boolean }?][] = [
    [".GIT/x", true],
    [".Git/config", true],
    ["sub/.gIt/hooks/pre-commit", true],
    ["git~1/config", true],
    ["GIT~1", true],
    [".git./x", true],
    [".git /x", true],
    [".git. . /x", true],
    [".git::$INDEX_ALLOCATION/x", true],
    [".g\u200cit/x", true],
    [".git\u200d/x", true],
    ["\ufeff.git/x", true],
    [".\u206agit/hooks", true],
    ["a\\.GIT\\x", true],
    [".gitmodules", true, { symlink: true }],
    [".GITMODULES", true, { symlink: true }],
    ["gitmod~1", true, { symlink: true }],
    [".gitmodules", false],
    [".git/config", false],
    ["vendor/.git/HEAD", false],
    ["x.git/a", false],
    [".gitx/a", false],
    [".github/workflows/ci.yml", false],
    [".gitignore", false],
    [".gitattributes", false, { symlink: true }],
    ["git~2/x", false],
    ["src/a.ts", false],
  ];
  for (const [relative, refused, options] of table) {
    it(`${JSON.stringify(relative)}${options?.symlink ? " (symlink)" : ""} → ${refused ? "refused" : "allowed"}`, () => {
      const reason = gitRefusedName(relative, options);
      if (refused) assert.match(reason ?? "(allowed)", /name git refuses/);
      else assert.equal(reason, undefined);
    });
  }
});
