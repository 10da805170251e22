import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { relativeSpecifiers } from "./context-select";
import { WorkspaceRoots } from "../platform/workspace-paths";
import { workspaceImportReader } from "./import-reader";

describe("workspace import reader", () => {
  let root: string;
  let workspace: string;
  let outside: string;

  before(async () => {
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-imports-")));
    workspace = path.join(root, "ws");
    outside = path.join(root, "ws-evil");
    await fs.mkdir(path.join(workspace, "lib"), { recursive: true });
    await fs.mkdir(outside, { recursive: true });
    await fs.writeFile(path.join(workspace, "lib", "math.ts"), "export function twice(x: number) { return 2 * x; }\n");
    await fs.writeFile(path.join(outside, "secret.ts"), "export const token = 'do not read';\n");
    await fs.symlink(path.join(outside, "secret.ts"), path.join(workspace, "lib", "linked.ts"));
  });

  after(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  const reader = () => workspaceImportReader(() => WorkspaceRoots.create([workspace]), (uri) => path.relative(workspace, new URL(uri).pathname));
  const from = () => pathToFileURL(path.join(workspace, "main.ts")).href;

  it("reads a relatively imported workspace file, trying the usual extensions", async () => {
    const doc = await reader()("./lib/math.js", from());
    assert.equal(doc?.path, path.join("lib", "math.ts"));
    assert.equal(doc?.languageId, "typescript");
    assert.match(doc?.text ?? "", /twice/);
  });

  it("refuses files outside the workspace: .. paths, prefix collisions and symlinks pointing out", async () => {
    assert.equal(await reader()("../ws-evil/secret", from()), undefined);
    assert.equal(await reader()("./lib/linked", from()), undefined);
  });

  it("finds relative specifiers in import lines", () => {
    assert.deepEqual(relativeSpecifiers(['import { a } from "./a";', "import b from '../b.js';", 'import c from "react";', '#include "local.h"']), [
      "./a",
      "../b.js",
      "./local.h",
    ]);
  });
});
