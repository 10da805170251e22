// `pincer serve --http --workspace W`: Pincer's own routes. OCR of a file in W (confined after
// resolving links), and agent runs in W through the same session as `pincer run` (scripted model
// seam PINCER_AGENT_SCRIPT), headless: a step that needs approval ends the run.
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AgentEvent, Transcript } from "../../server/src/protocol";
import { makeApiWorkspace, startApiProcess, type ApiProcess } from "../support/api-server";
import { allowLoopbackClients } from "../support/loopback-clients";
import { requireTestModel } from "../support/test-model";

const plan = (...steps: string[]) => ({ plan: steps });
const call = (tool: string, args: Record<string, unknown>) => ({ thought: `use ${tool}`, tool, args });
const finish = call("finish", { summary: "done", verified: "nothing" });

describe("pincer serve --http --workspace: OCR and agent routes", function () {
  this.timeout(180_000);
  allowLoopbackClients();
  let api: ApiProcess;
  let ws: string;
  let outside: string;
  let scriptFile: string;

  const post = async (route: string, body: unknown) => {
    const response = await fetch(`${api.facts.url}${route}`, { method: "POST", headers: { authorization: `Bearer ${api.token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: response.status, text: await response.text() };
  };

  before(async function () {
    const model = requireTestModel(this);
    ({ ws, outside, scriptFile } = await makeApiWorkspace("pincer-api-ws-"));
    api = await startApiProcess(model, ["--workspace", ws], { env: { PINCER_AGENT_SCRIPT: scriptFile }, settings: { "pincer.agent.profile": "edit" } });
  });
  after(() => api?.stop());

  it("OCRs an image in the workspace", async () => {
    const { status, text } = await post("/pincer/v1/ocr", { path: "scan.png" });
    assert.equal(status, 200, text);
    const result = JSON.parse(text) as { markdown: string; path: string };
    assert.equal(result.path, "scan.png");
    assert.match(result.markdown, /Invoice 4711/);
  });

  it("refuses a file outside the workspace, by path or through a link (path traversal, CWE-22/CWE-59)", async () => {
    for (const file of ["../outside/secret.png", path.join(outside, "secret.png"), "link.png"]) {
      const { status, text } = await post("/pincer/v1/ocr", { path: file });
      assert.equal(status, 403, `${file}: ${text}`);
      assert.doesNotMatch(text, /SECRET/);
    }
  });

  it("runs the agent, streaming its events, and returns the transcript", async () => {
    await fs.writeFile(scriptFile, JSON.stringify([plan("edit notes"), call("edit_file", { path: "notes.txt", search: "alpha", replace: "beta" }), finish]));
    const { status, text } = await post("/pincer/v1/agent/runs", { task: "change alpha to beta in notes.txt", stream: true });
    assert.equal(status, 200, text);
    const messages = text.split("\n\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6));
    assert.equal(messages.at(-1), "[DONE]");
    const parsed = messages.slice(0, -1).map((m) => JSON.parse(m) as { type: string; event?: AgentEvent; transcript?: Transcript });
    assert.ok(parsed.some((m) => m.type === "event" && m.event?.type === "run-start"));
    const transcript = parsed.at(-1)!.transcript!;
    assert.equal(transcript.status, "finished", JSON.stringify(transcript));
    assert.deepEqual(transcript.changedPaths, ["notes.txt"]);
    assert.equal(await fs.readFile(path.join(ws, "notes.txt"), "utf8"), "beta\n");
  });

  it("headless, a step that needs approval is denied and ends the run; a wider profile than configured is refused", async () => {
    await fs.writeFile(scriptFile, JSON.stringify([plan("run"), call("run_command", { command: "touch RAN" }), finish]));
    const { status, text } = await post("/pincer/v1/agent/runs", { task: "make a file" });
    assert.equal(status, 200, text);
    assert.equal((JSON.parse(text) as Transcript).status, "approval-needed");
    assert.equal(await fs.stat(path.join(ws, "RAN")).then(() => true, () => false), false, "the command did not run");
    const wider = await post("/pincer/v1/agent/runs", { task: "anything", profile: "full" });
    assert.equal(wider.status, 403, wider.text);
    assert.match(wider.text, /wider than this server's pincer\.agent\.profile \(edit\)/);
    // Streamed, the refusal comes after the 200 headers: as the stream's last event, not a silent end.
    const streamed = await post("/pincer/v1/agent/runs", { task: "anything", profile: "full", stream: true });
    assert.equal(streamed.status, 200);
    assert.match(streamed.text, /"type":"error","error":\{"status":403,"message":"profile full is wider/);
    assert.match(streamed.text, /data: \[DONE\]/);
  });

  it("checks the request", async () => {
    assert.equal((await post("/pincer/v1/agent/runs", { task: "" })).status, 400);
    assert.equal((await post("/pincer/v1/agent/runs", { task: "x", max_steps: 0 })).status, 400);
    assert.equal((await post("/pincer/v1/ocr", { path: "scan.png", languages: "eng" })).status, 400);
  });
});
