// A hostile model against Pincer's git, end to end over a real LSP connection: the model is the test
// seam (PINCER_AGENT_SCRIPT), every approval is answered "deny", and everything else is real (the
// gate, create_file through workspace/applyEdit, the git tools, run_command, the chat's git diff).
// The repository config names a script outside the workspace that leaves a marker; it must never run.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ApplyWorkspaceEditRequest } from "vscode-languageserver-protocol/node";
import {
  AgentApproveRequest,
  AgentEventNotification,
  AgentRunRequest,
  AgentSaveRequest,
  ChatGitDiffRequest,
  type AgentApproveParams,
  type AgentEvent,
  type AgentEventParams,
  type AgentRunResult,
  type ChatGitDiffResult,
} from "../../server/src/protocol";
import { hasGit } from "../helpers/git";
import { startTestServer, type TestServer } from "../helpers/lsp-client";

const plan = { plan: ["look at the repository"] };
const call = (tool: string, args: Record<string, unknown>) => ({ thought: `use ${tool}`, tool, args });
const finish = call("finish", { summary: "done", verified: "nothing" });

describe("agent over LSP: a hostile model against git (every approval denied)", function () {
  this.timeout(60_000);
  let server: TestServer | undefined;
  let tempDir: string;
  let workspace: string;
  let scriptFile: string;
  let evil: string;
  let marker: string;
  let runs = 0;
  const approvals: AgentApproveParams[] = [];
  const events: AgentEvent[] = [];

  const observations = () => events.flatMap((e) => (e.type === "observation" ? [e.text] : []));
  const ran = async () => (existsSync(marker) ? fs.readFile(marker, "utf8") : "");

  async function run(script: unknown[]): Promise<AgentRunResult> {
    await fs.writeFile(scriptFile, JSON.stringify([plan, ...script]));
    events.length = 0;
    approvals.length = 0;
    return server!.connection.sendRequest(AgentRunRequest, { id: `git-run-${++runs}`, request: "look at the repository" });
  }

  before(async function () {
    if (!hasGit()) {
      console.warn("    skipped: git is not installed");
      this.skip();
    }
    tempDir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-agent-git-sec-")));
    workspace = path.join(tempDir, "ws");
    scriptFile = path.join(tempDir, "script.json");
    evil = path.join(tempDir, "evil.sh");
    marker = path.join(tempDir, "marker");
    await fs.mkdir(workspace);
    await fs.writeFile(evil, `#!/bin/sh\necho "$0 $*" >> "${marker}"\n`, { mode: 0o755 });
    server = await startTestServer({
      // "full": the command rules alone decide, so the default rules are what is tested.
      settings: { agent: { maxSteps: 12, maxTokens: 200_000, maxWallSeconds: 60, profile: "full", toolPermissions: {}, sandbox: "auto" } },
      env: { PINCER_CACHE_DIR: path.join(tempDir, "storage"), PINCER_AGENT_SCRIPT: scriptFile },
      workspaceFolders: [workspace],
    });
    const connection = server.connection;
    connection.onRequest(AgentApproveRequest, (params: AgentApproveParams) => {
      approvals.push(params);
      return { answer: "deny" };
    });
    connection.onNotification(AgentEventNotification, (params: AgentEventParams) => void events.push(params.event));
    connection.onRequest(AgentSaveRequest, () => undefined);
    connection.onRequest(ApplyWorkspaceEditRequest.type, async (params) => {
      for (const change of params.edit.documentChanges ?? []) {
        if ("kind" in change && change.kind === "create") {
          await fs.mkdir(path.dirname(fileURLToPath(change.uri)), { recursive: true });
          await fs.writeFile(fileURLToPath(change.uri), "", { flag: "a" });
        } else if ("textDocument" in change) {
          await fs.writeFile(fileURLToPath(change.textDocument.uri), (change.edits[0] as { newText: string }).newText);
        }
      }
      return { applied: true };
    });
    await server.waitForLog(/Pincer server/);
  });

  after(async () => {
    await server?.stop();
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
  });

  it("plants HEAD/config/objects/refs, then git_log, git_status and `git status`: HEAD asks (denied), git never adopts the folder, nothing runs", async () => {
    const config = `[core]\n\trepositoryformatversion = 1\n\tbare = false\n\tworktree = .\n\tsshCommand = "${evil}"\n\tfsmonitor = "${evil}"\n[extensions]\n\tpartialClone = origin\n[remote "origin"]\n\turl = ssh://attacker.invalid/x\n\tpromisor = true\n`;
    const result = await run([
      call("create_file", { path: "config", content: config }),
      call("create_file", { path: "objects/.keep", content: "" }),
      call("create_file", { path: "refs/heads/main", content: "1111111111111111111111111111111111111111\n" }),
      call("create_file", { path: "HEAD", content: "ref: refs/heads/main\n" }),
      call("git_log", {}),
      call("git_status", {}),
      call("run_command", { command: "git status" }),
      call("run_command", { command: "git log" }),
      finish,
    ]);
    assert.equal(result.status, "finished", JSON.stringify(result));
    assert.equal(await ran(), "", "a program named by the planted config ran");
    assert.ok(!existsSync(path.join(workspace, "HEAD")), "the denied HEAD was not written");
    assert.deepEqual(
      approvals.map((a) => `${a.request.tool} ${a.request.paths?.join(",") ?? a.request.command ?? ""}`),
      ["create_file HEAD", "run_command git status", "run_command git log"],
      "HEAD and the git commands ask; the other plain files do not",
    );
    const texts = observations();
    assert.ok(texts.filter((t) => /not a git repository/.test(t)).length >= 2, texts.join("\n---\n"));
  });

  it("the same git directory already on disk (an unpacked archive): the git tools and the chat's git diff leave it alone", async () => {
    await fs.writeFile(path.join(workspace, "HEAD"), "ref: refs/heads/main\n");
    const result = await run([call("git_log", {}), call("git_status", {}), call("git_diff", {}), call("run_command", { command: "git status" }), finish]);
    assert.equal(result.status, "finished", JSON.stringify(result));
    const diff: ChatGitDiffResult = await server!.connection.sendRequest(ChatGitDiffRequest, {});
    assert.deepEqual(diff.diffs, [], "not a repository for the chat either");
    assert.equal(await ran(), "");
    assert.ok(observations().slice(0, 3).every((t) => /not a git repository/.test(t)), observations().join("\n---\n"));
  });

  it("a real .git whose config names fsmonitor, filters and textconv: the git tools work and run none of them", async () => {
    await fs.rm(workspace, { recursive: true, force: true });
    await fs.mkdir(workspace);
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=u", "-c", "user.email=u@x", ...args], { cwd: workspace, env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1" } });
    git("init", "-q", "-b", "main");
    await fs.writeFile(path.join(workspace, "a.txt"), "one\n");
    await fs.writeFile(path.join(workspace, ".gitattributes"), "*.txt filter=evil diff=evil\n");
    git("add", "-A");
    git("commit", "-q", "-m", "first");
    for (const [key, value] of [["core.fsmonitor", evil], ["filter.evil.clean", evil], ["filter.evil.smudge", evil], ["diff.evil.textconv", evil], ["log.showSignature", "true"], ["gpg.program", evil]]) git("config", key!, value!);
    await fs.writeFile(path.join(workspace, "a.txt"), "two\n");
    await fs.rm(marker, { force: true });

    const result = await run([call("git_status", {}), call("git_diff", {}), call("git_log", {}), call("run_command", { command: "git status" }), finish]);
    assert.equal(result.status, "finished", JSON.stringify(result));
    const diff: ChatGitDiffResult = await server!.connection.sendRequest(ChatGitDiffRequest, {});
    assert.equal(await ran(), "", "a program named by the repository's config ran");
    const [status, changes, log] = observations();
    assert.match(status ?? "", /M a\.txt/);
    assert.match(changes ?? "", /\+two/);
    assert.match(log ?? "", /u: first/);
    assert.match(diff.diffs[0]?.text ?? "", /\+two/);
    assert.deepEqual(approvals.map((a) => a.request.command), ["git status"]);
  });
});
