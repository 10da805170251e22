// The chat shows what the report tools made: render_chart's PNG as an image (a data: URL from the tool
// result, which the webview's CSP allows for images only) and an "Open PDF" button for render_document.
// The run view folds real observation events; the rows render into a real DOM (happy-dom).
import assert from "node:assert/strict";
import type { AgentEntry, AgentStepEntry } from "../../client/src/agent/agent-entries";
import { AgentRunView } from "../../client/src/agent/agent-run-view";
import { chatCsp } from "../../client/src/chat/chat-csp";
import { renderAgentStep } from "../../client/src/chat/webview/render-agent-step";
import { useHappyDomDocument } from "../support/happy-dom";

// A 1×1 PNG.
const PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

describe("report results in the chat", () => {
  useHappyDomDocument();

  function steps(details: Record<string, unknown>[], ok = true): AgentStepEntry[] {
    const entries = new Map<string, AgentEntry>();
    const sink = { append: (e: AgentEntry) => void entries.set(e.id, e), update: (e: AgentEntry) => void entries.set(e.id, e) };
    const view = new AgentRunView("v1", "report", false, sink);
    view.onEvent({ type: "run-start", runId: "run-1" } as never);
    details.forEach((d, i) => {
      view.onEvent({ type: "tool-call", step: i + 1, thought: "t", tool: "render_chart", args: {} });
      view.onEvent({ type: "observation", step: i + 1, ok, text: "wrote it", truncated: false, changedPaths: [], details: d });
    });
    return [...entries.values()].filter((e): e is AgentStepEntry => e.kind === "agent-step");
  }

  it("shows the chart from the tool result as an image, and offers to open the PDF", () => {
    const [chart, pdf] = steps([{ image: "charts/revenue.png", preview: PNG }, { document: "reports/q3.pdf" }]);
    const img = renderAgentStep(chart!, () => undefined).querySelector("img");
    assert.equal(img?.getAttribute("src"), PNG);
    assert.equal(img?.getAttribute("alt"), "Chart charts/revenue.png");
    const button = renderAgentStep(pdf!, () => undefined).querySelector("button[data-agent-action='open-document']");
    assert.equal(button?.textContent?.trim(), "Open PDF");
    assert.equal(button?.getAttribute("data-step"), "2");
  });

  it("shows no image for anything but a base64 PNG data: URL, and nothing for a failed call", () => {
    const bad = ["https://evil.example/pixel.png", "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=", "data:text/html;base64,PGI+", `${PNG}" onerror="alert(1)`, "javascript:alert(1)"];
    for (const entry of steps(bad.map((preview) => ({ image: "x.png", preview })))) assert.equal(renderAgentStep(entry, () => undefined).querySelector("img"), null, JSON.stringify(entry.image));
    const [failed] = steps([{ image: "x.png", preview: PNG, document: "r.pdf" }], false);
    const row = renderAgentStep(failed!, () => undefined);
    assert.equal(row.querySelector("img"), null);
    assert.equal(row.querySelector("button[data-agent-action='open-document']"), null);
  });

  it("the webview's CSP allows data: for images only, and nothing remote", () => {
    const csp = chatCsp("https://file+.vscode-resource.vscode-cdn.net", "abc");
    const directives: Record<string, string[]> = Object.fromEntries(csp.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1)]));
    assert.deepEqual(directives["img-src"], ["https://file+.vscode-resource.vscode-cdn.net", "data:"]);
    assert.deepEqual(directives["default-src"], ["'none'"]);
    assert.deepEqual(directives["script-src"], ["'nonce-abc'"]);
    for (const [name, sources] of Object.entries(directives)) if (name !== "img-src") assert.ok(!sources.includes("data:"), `${name} must not allow data:`);
    assert.doesNotMatch(csp, /\*|https?:(?!\/\/file\+)/, "no wildcard and no remote origin");
  });
});
