// What the status bar and the approval cards say about the command sandbox.
import assert from "node:assert/strict";
import { sandboxText } from "../../client/src/agent/sandbox-text";

describe("sandbox text", () => {
  it("says a command is sandboxed, and whether approving gives it network access", () => {
    assert.equal(sandboxText({ kind: "bubblewrap" }).label, "Sandboxed (bubblewrap), no network");
    const networked = sandboxText({ kind: "bubblewrap" }, true);
    assert.equal(networked.label, "Sandboxed (bubblewrap), with network access");
    assert.match(networked.detail, /network access/);
    assert.equal(networked.confined, true);
  });

  it("says plainly when commands are not sandboxed, and why", () => {
    const none = sandboxText({ kind: "none", reason: "bubblewrap (bwrap) is not installed" });
    assert.equal(none.label, "Not sandboxed");
    assert.match(none.detail, /not installed\. Only the command rules decide/);
    assert.equal(none.confined, false);
    assert.match(sandboxText({ kind: "none", reason: "x", required: true }).label, /refused/);
  });
});
