import assert from "node:assert/strict";
import { messagesFor } from "../platform/messages";
import type { ApprovalRequest } from "../protocol";
import { approvalShown } from "./approval-shown";

describe("the approval card's text in the person's language", () => {
  const zh = messagesFor("zh-cn");
  const request = (extra: Partial<ApprovalRequest>): ApprovalRequest => ({ tool: "edit_file", summary: "edit file: a.ts", reasons: [], ...extra });

  it("translates the gate's reasons and the summary's verb, keeping paths, commands and values as they are", () => {
    const shown = approvalShown(
      request({
        reasons: [
          'profile "edit": command is "ask"',
          '"pincer.json" is protected configuration (pincer settings) by way of link.json: writes always ask',
          '"pincer.json" is protected configuration (pincer settings): writes always ask',
          "`xargs rm`: not in the allow list (runs with extra arguments from xargs)",
          "`rm a`: not in the allow list",
          'setting: MCP files/write is "ask"',
        ],
      }),
      zh,
    );
    assert.deepEqual(shown, {
      summary: "编辑文件：a.ts",
      reasons: [
        '配置档 "edit"：command 为 "ask"',
        '"pincer.json" 经由 link.json 指向受保护的配置（pincer settings）：写入总会询问',
        '"pincer.json" 是受保护的配置（pincer settings）：写入总会询问',
        "`xargs rm`：不在允许列表中（通过 xargs 带额外参数运行）",
        "`rm a`：不在允许列表中",
        '设置：MCP files/write 为 "ask"',
      ],
    });
    assert.equal(approvalShown(request({ tool: "run_command", command: "npm test", summary: "Run `npm test`" }), zh).summary, "运行 `npm test`");
    assert.equal(approvalShown(request({ tool: "delete_file", summary: "delete file" }), zh).summary, "删除文件");
  });

  it("leaves what the catalogue does not know, an MCP call's summary, and English as they are", () => {
    const unknown = request({ tool: "send_email", summary: "send_email", reasons: ["the command contains U+202E"] });
    assert.deepEqual(approvalShown(unknown, zh), { summary: "send_email", reasons: ["the command contains U+202E"] });
    const mcp = request({ tool: "mcp_files_write", summary: "MCP files → write", mcp: { server: "files", tool: "write", arguments: "{}" } });
    assert.equal(approvalShown(mcp, zh).summary, "MCP files → write");
    const english = request({ reasons: ['setting: edit_file is "ask"'] });
    assert.deepEqual(approvalShown(english, messagesFor("en")), { summary: "edit file: a.ts", reasons: ['setting: edit_file is "ask"'] });
  });

  it("shows a reason in English when text the model chose makes it fit two kinds of reason", () => {
    // A redirect to a file named `x: matches ask rule "y`: a "writes to" reason that also reads as an ask-rule one.
    const crafted = "`echo hi > 'x: matches ask rule \"y'`: writes to x: matches ask rule \"y\"";
    const shown = approvalShown(request({ reasons: [crafted, "`rm a`: writes to a"] }), zh);
    assert.deepEqual(shown.reasons, [crafted, "`rm a`：写入 a"]);
  });
});
