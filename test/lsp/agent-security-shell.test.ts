// Issue 11, items 2 and 3, end to end: a hostile model (the PINCER_AGENT_SCRIPT seam) sends
// command lines that the policy once judged as a harmless allowed command while the shell ran
// something else. Profile "full" with rules that allow `ls *` and `git diff`; every approval is
// answered "deny". Each line tries to create a marker file; none may exist afterwards, and the
// lines that are really just `ls` run without asking.
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AgentApproveRequest, AgentEventNotification, AgentRunRequest, type AgentApproveParams, type AgentEvent, type AgentEventParams, type AgentRunResult } from "../../server/src/protocol";
import { startTestServer, type TestServer } from "../helpers/lsp-client";

const call = (tool: string, args: Record<string, unknown>) => ({ thought: `use ${tool}`, tool, args });

/** Lines the policy allows (bash runs them as plain `ls`); under /bin/sh (dash) they ran `touch`. */
const ALLOWED = [
  ["&> read as background + redirect by dash", "ls &>/dev/null touch MARK-amp"],
  ["$'\\' read as a quote and a new line by dash", "ls $'\\'\ntouch MARK-ansi\necho \\''"],
];

/** Lines that must ask (and are denied here): before the fix each was allowed and ran its marker. */
const ASKED = [
  ["words after 2>/dev/null were dropped", "git diff 2>/dev/null --no-index --output=MARK-gitdiff /dev/null README.md"],
  ["words after a redirect on a list were dropped", "ls && git diff 2>/dev/null --no-index --output=MARK-list /dev/null README.md"],
  ["&& after a heredoc start was not seen", "ls <<EOF && touch MARK-heredoc\nbody\nEOF"],
  ["backticks in a heredoc body were not seen", "ls <<EOF\n`touch MARK-backtick`\nEOF"],
  ["$'\\\\' ran on to a later quote in tree-sitter", "ls $'\\\\' ; touch MARK-ansi2 #'"],
  ["backslash-space hid the rest of the line as a comment", "ls \\ #; touch MARK-bs"],
  ["a backslash line in a heredoc hid its end (found by the fuzz test)", "ls <<'EOF'\n\\\nEOF\ntouch MARK-heredoc-end\nEOF"],
  ["a word started at the newline after a comment (found by the fuzz test)", "ls #c\n\\touch MARK-comment"],
  ["a command continued after a comment and a line continuation (found by the fuzz test)", "ls #c\n\\\ntouch MARK-continued"],
  ["a command continued past a newline and a line continuation (found by the fuzz test)", "ls a\n\\\ntouch MARK-newline"],
  ["a word after >&- was dropped (found by the fuzz test)", "git diff >&- --no-index --output=MARK-close /dev/null README.md"],
];

describe("agent security over LSP: the shell runs what the policy parsed", function () {
  this.timeout(60_000);
  let server: TestServer;
  let tempDir: string;
  let workspace: string;
  let scriptFile: string;
  const approvals: AgentApproveParams[] = [];
  const events: AgentEvent[] = [];

  before(async function () {
    if (process.platform === "win32") {
      console.log("    skipped: the attack lines are POSIX shell");
      this.skip();
    }
    tempDir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-agent-shell-")));
    workspace = path.join(tempDir, "ws");
    scriptFile = path.join(tempDir, "script.json");
    await fs.mkdir(path.join(workspace, ".pincer"), { recursive: true });
    await fs.writeFile(path.join(workspace, ".pincer", "commands.json"), JSON.stringify({ allow: ["ls *", "git diff"], deny: [] }));
    await fs.writeFile(path.join(workspace, "README.md"), "# readme\n");
    server = await startTestServer({
      settings: { agent: { maxSteps: 20, maxTokens: 200_000, maxWallSeconds: 60, profile: "full", toolPermissions: {}, sandbox: "off" } },
      env: { PINCER_CACHE_DIR: path.join(tempDir, "storage"), PINCER_AGENT_SCRIPT: scriptFile },
      workspaceFolders: [workspace],
    });
    server.connection.onRequest(AgentApproveRequest, (params: AgentApproveParams) => {
      approvals.push(params);
      return { answer: "deny" };
    });
    server.connection.onNotification(AgentEventNotification, (params: AgentEventParams) => void events.push(params.event));
    await server.waitForLog(/Pincer server/);
  });

  after(async () => {
    await server?.stop();
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
  });

  it("runs the plain-ls lines without asking, asks for the others (denied), and no marker file appears", async () => {
    const lines = [...ALLOWED, ...ASKED].map(([, line]) => line!);
    await fs.writeFile(scriptFile, JSON.stringify([{ plan: ["try the attacks"] }, ...lines.map((command) => call("run_command", { command })), call("finish", { summary: "done", verified: "nothing" })]));
    const result: AgentRunResult = await server.connection.sendRequest(AgentRunRequest, { id: "attack", request: "run the lines" });
    assert.equal(result.status, "finished", JSON.stringify(result));

    const left = (await fs.readdir(workspace)).filter((name) => name.startsWith("MARK"));
    assert.deepEqual(left, [], `markers: ${left.join(", ")}`);
    assert.deepEqual(
      approvals.map((a) => a.request.command),
      ASKED.map(([, line]) => line),
      "exactly the lines that are not plain `ls` ask",
    );
    const ran = events.filter((e): e is Extract<AgentEvent, { type: "observation" }> => e.type === "observation" && /exit code/.test(e.text));
    assert.equal(ran.length, ALLOWED.length, "the allowed lines ran (as ls)");
  });
});
