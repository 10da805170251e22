// The chat webview's approval card, rendered into a real DOM (happy-dom) in Node: an email is approved as
// the whole message, never a summary of it.
import assert from "node:assert/strict";
import type { AgentApprovalEntry } from "../../client/src/agent/agent-entries";
import { renderAgentApproval, sizeText } from "../../client/src/chat/webview/render-agent-approval";
import { useHappyDomDocument } from "../support/happy-dom";

describe("agent approval card", () => {
  useHappyDomDocument();

  const body = "Hello finance,\n\nthe Q3 report is attached.\n<b>not markup</b>\n\nPincer";
  const entry = (answer?: AgentApprovalEntry["answer"]): AgentApprovalEntry => ({
    kind: "agent-approval",
    id: "a1",
    runId: "run-1",
    step: 5,
    ...(answer ? { answer } : {}),
    request: {
      tool: "send_email",
      summary: "send_email to finance@example.com",
      paths: ["reports/q3.pdf", "charts/revenue.png"],
      reasons: ["sending always asks, with the whole message shown; no setting allows it"],
      message: {
        to: ["finance@example.com", "cfo@example.com"],
        cc: ["boss@example.com"],
        subject: "Sales report 2026-Q3",
        body,
        attachments: [
          { path: "reports/q3.pdf", bytes: 53_412 },
          { path: "charts/revenue.png", bytes: 900 },
        ],
      },
    },
  });

  it("shows to, cc, subject, the whole body as text, and each attachment with its size", () => {
    const card = renderAgentApproval(entry());
    const headers = [...card.querySelectorAll(".agent-email-headers dt")].map((dt) => `${dt.textContent}: ${dt.nextElementSibling?.textContent}`);
    assert.deepEqual(headers, ["To: finance@example.com, cfo@example.com", "Cc: boss@example.com", "Subject: Sales report 2026-Q3"]);
    const shownBody = card.querySelector(".agent-email-body");
    assert.equal(shownBody?.textContent, body, "the body as it will be sent, every line");
    assert.equal(shownBody?.querySelector("b"), null, "the body is text, never markup");
    const attachments = [...card.querySelectorAll(".agent-email-attachments li")].map((li) => li.textContent);
    assert.deepEqual(attachments, ["q3.pdf (52 KB) reports/q3.pdf", "revenue.png (900 B) charts/revenue.png"]);
    assert.match(card.textContent ?? "", /sending always asks/);
  });

  it("offers Approve and Deny, never Always allow, for an email", () => {
    const buttons = [...renderAgentApproval(entry()).querySelectorAll("button")].map((b) => b.textContent?.trim());
    assert.deepEqual(buttons, ["Approve", "Deny"]);
  });

  it("keeps showing the message after it was answered, and says no attachment plainly", () => {
    const answered = renderAgentApproval(entry("approve"));
    assert.equal(answered.querySelector(".agent-email-body")?.textContent, body);
    assert.match(answered.textContent ?? "", /Approved/);
    const plain = entry();
    plain.request.message = { ...plain.request.message!, cc: [], attachments: [] };
    const card = renderAgentApproval(plain);
    assert.deepEqual([...card.querySelectorAll(".agent-email-headers dt")].map((dt) => dt.textContent), ["To", "Subject"]);
    assert.match(card.textContent ?? "", /No attachments/);
  });

  it("shows the server's text in the UI language (request.shown) instead of the gate's English, in the summary, reasons and buttons", () => {
    const card = renderAgentApproval({
      kind: "agent-approval",
      id: "a2",
      runId: "run-1",
      step: 2,
      request: {
        tool: "edit_file",
        summary: "edit file: greet.ts",
        paths: ["greet.ts"],
        reasons: ['setting: edit_file is "ask"'],
        shown: { summary: "编辑文件：greet.ts", reasons: ['设置：edit_file 为 "ask"'] },
      },
    });
    assert.equal(card.querySelector(".agent-approval-summary")?.textContent, "编辑文件：greet.ts");
    assert.deepEqual([...card.querySelectorAll(".agent-reasons li")].map((li) => li.textContent), ['设置：edit_file 为 "ask"']);
    assert.doesNotMatch(card.textContent ?? "", /setting: edit_file/);
    assert.ok([...card.querySelectorAll("button")].some((b) => (b.getAttribute("aria-label") ?? b.getAttribute("title") ?? "").includes("编辑文件：greet.ts")));
  });

  it("says the size in B, KB and MB, and when a file is missing", () => {
    assert.deepEqual([0, 1023, 1024, 53_412, 5 * 1024 * 1024, undefined].map(sizeText), ["0 B", "1023 B", "1.0 KB", "52 KB", "5.0 MB", "missing"]);
  });
});
