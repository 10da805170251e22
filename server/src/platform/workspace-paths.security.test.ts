import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { protectedKind, WorkspaceRoots, type ProtectedKind } from "./workspace-paths";

// One row per known attack on workspace confinement, run against real temp dirs and real symlinks:
//   <base>/ws            the workspace folder
//   <base>/ws-evil/      a sibling sharing the workspace's name as a prefix
//   <base>/outside/      anything else on the disk
interface Ctx {
  base: string;
  ws: string;
  evil: string;
  outside: string;
  caseInsensitive: boolean;
}

interface Row {
  description: string;
  setup?: (ctx: Ctx) => Promise<void>;
  request: (ctx: Ctx) => string;
  forWrite?: boolean;
  expect: (ctx: Ctx) => { ok: true; path: string; relative: string; exists: boolean; protectedKind?: ProtectedKind } | { ok: false; reason: RegExp };
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
];

describe("workspace confinement (security table)", () => {
  const ctx = {} as Ctx;
  let roots: WorkspaceRoots;

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
      const result = await roots.resolveInside(row.request(ctx), { forWrite: row.forWrite ?? false });
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
      assert.equal(result.root.path, ctx.ws);
      assert.equal(result.protectedKind, expected.protectedKind);
    });
  }

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
