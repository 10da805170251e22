// A damaged store file is never rewritten silently: the file as it was is kept beside it, and the
// person is told (a warning in VS Code, a line on the CLI's stderr).
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { jsonApprovalStore } from "../../server/src/agent/permissions";
import { onStoreNotice } from "../../server/src/store/store-notices";
import { startTestServer, type TestServer } from "../support/lsp-client";
import { requireTestModel } from "../support/test-model";

describe("faults: damaged stores", function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-damaged-"))));
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it("a damaged agent-approvals.json: \"Always allow\" keeps the other workspaces' entries in a copy and says so", async () => {
    // Cut off mid-write by another tool, say: two workspaces' approvals, the second one torn.
    const damaged = '{\n  "aaaaaaaaaaaaaaaaaaaaaaaa": ["npm test", "make lint"],\n  "bbbbbbbbbbbbbbbbbbbbbbbb": ["cargo te';
    await fs.writeFile(path.join(dir, "agent-approvals.json"), damaged);
    const notices: string[] = [];
    const stop = onStoreNotice(({ message }) => notices.push(message));
    try {
      const store = jsonApprovalStore(dir);
      assert.deepEqual(await store.commands("cccccccccccccccccccccccc"), []);
      await store.add("cccccccccccccccccccccccc", "npm run build");
      const names = await fs.readdir(dir);
      const aside = names.find((n) => n.startsWith("agent-approvals.json.damaged-"));
      assert.ok(aside, `the damaged file is kept (${names.join(", ")})`);
      assert.equal(await fs.readFile(path.join(dir, aside), "utf8"), damaged);
      assert.deepEqual(await store.commands("cccccccccccccccccccccccc"), ["npm run build"]);
      assert.ok(notices.some((n) => n.includes(`kept as ${aside}`)), notices.join("\n"));
    } finally {
      stop();
    }
  });

  it("the server shows the person a warning when it keeps a damaged store aside", async function () {
    const model = requireTestModel(this);
    // threads "auto" stores its measurement in thread-calibration.json, a JsonMapFile like the approvals.
    await fs.writeFile(path.join(dir, "thread-calibration.json"), '{"key": {"threads": 1, "meas');
    let server: TestServer | undefined;
    try {
      server = await startTestServer({ settings: { model, threads: "auto", contextSize: 512, modelsDir: dir }, env: { PINCER_CACHE_DIR: dir } });
      const shown = await server.waitForShownMessage(/thread-calibration\.json was damaged/, 60_000);
      assert.match(shown, /^Pincer: thread-calibration\.json was damaged \(not valid JSON\): it is kept as thread-calibration\.json\.damaged-/);
      await server.waitForStatus((s) => s.state === "ready", "ready", 60_000);
    } finally {
      await server?.stop();
    }
  });
});
