// A dictated transcript goes into the chat prompt for editing: at the cursor, never over the words
// around it, and never sent by itself (the webview only posts a draft).
import assert from "node:assert/strict";
import { spliceAtCursor } from "../../client/src/chat/webview/prompt-insert";

describe("dictation into the chat prompt", () => {
  it("fills an empty prompt and puts the caret after the transcript", () => {
    assert.deepEqual(spliceAtCursor("", 0, 0, "请打开设置文件"), { value: "请打开设置文件", caret: 7 });
  });

  it("inserts at the cursor a space apart from the words on both sides", () => {
    const value = "Fix the test";
    const at = "Fix the".length;
    assert.deepEqual(spliceAtCursor(value, at, at, "login"), { value: "Fix the login test", caret: "Fix the login".length });
    assert.deepEqual(spliceAtCursor("Fix ", 4, 4, "it"), { value: "Fix it", caret: 6 }, "no second space after one that is there");
  });

  it("replaces the selected words and keeps the rest", () => {
    const value = "Rename foo please";
    assert.deepEqual(spliceAtCursor(value, 7, 10, "this function"), { value: "Rename this function please", caret: "Rename this function".length });
  });
});
