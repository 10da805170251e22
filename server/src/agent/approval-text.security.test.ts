// Trojan Source (CVE-2021-42574) on the approval card: a bidi override or zero-width character in a
// command or path makes the card show something other than what would run. The gate must never allow
// such a command silently, and the card's reasons and summary must show the real text as escapes.
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { WorkspaceRoots } from "../platform/workspace-paths";
import { type ApprovalStore, createPermissionGate } from "./permissions";
import type { PermissionDecision } from "./tool-types";
import { runCommandTool } from "./tools/command-tool";
import { createFileTool } from "./tools/write-tools";

interface Row {
  attack: string;
  tool: "run_command" | "create_file";
  args: Record<string, unknown>;
  expected: PermissionDecision;
  shown?: RegExp;
}

const ROWS: Row[] = [
  {
    attack: "an allowed command with a right-to-left override in an argument (the card would read it reversed)",
    tool: "run_command",
    args: { command: 'echo "\u202Eexe.txt"' },
    expected: "ask",
    shown: /the command it contains 1 invisible Unicode character\(s\); it reads: echo "<U\+202E>exe\.txt"/,
  },
  {
    attack: "an allowed command with tag characters (ASCII smuggling) that a remembered \"always\" covered",
    tool: "run_command",
    args: { command: "echo ok\u{E0041}" },
    expected: "ask",
    shown: /it reads: echo ok<U\+E0041>/,
  },
  {
    attack: "a file name with a right-to-left override: the summary shows the escape",
    tool: "create_file",
    args: { path: "docs/\u202Egpj.sh", content: "x" },
    expected: "allow",
  },
  { attack: "control: the same command without invisible characters is allowed", tool: "run_command", args: { command: 'echo "exe.txt"' }, expected: "allow" },
];

describe("approval cards show invisible Unicode in commands and paths", () => {
  let ws: string;
  let roots: WorkspaceRoots;
  before(async () => {
    ws = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-card-")));
    roots = await WorkspaceRoots.create([ws]);
  });
  after(async () => {
    await fs.rm(ws, { recursive: true, force: true });
  });

  for (const row of ROWS) {
    it(row.attack, async () => {
      const remembered: ApprovalStore = { location: path.join(os.tmpdir(), "pincer-card-approvals.json"), commands: async () => ROWS.map((r) => String(r.args.command)), add: async () => undefined };
      const gate = createPermissionGate({ profile: "full", rules: { allow: ["echo *"], deny: [] }, trusted: true, headless: false, roots, rememberStore: remembered });
      const tool = row.tool === "run_command" ? runCommandTool({ defaultTimeoutMs: 1000, maxTimeoutMs: 1000 }) : createFileTool();
      const check = await gate.check(tool, row.args, new AbortController().signal);
      assert.equal(check.decision, row.expected, JSON.stringify(check.reasons));
      if (row.shown) assert.ok(check.reasons.some((reason) => row.shown!.test(reason)), JSON.stringify(check.reasons));
      assert.ok(!/[\u202E\u{E0041}]/u.test(check.request.summary), `summary: ${check.request.summary}`);
      // The card's command line (commandShown, else command) is what the person reads.
      const onCard = check.request.commandShown ?? check.request.command ?? "";
      assert.ok(!/[\u202E\u{E0041}]/u.test(onCard), `card command: ${onCard}`);
      if (row.tool === "run_command") assert.equal(check.request.command, row.args.command, "the exact command is still what runs and what \"always\" remembers");
    });
  }
});
