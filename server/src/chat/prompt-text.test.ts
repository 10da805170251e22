import assert from "node:assert/strict";
import { attachmentText, ruleText, summaryText, visibleText } from "./prompt-text";

// ASCII smuggling into the chat: text the person cannot see, in every place the chat prompt takes
// text from. Each must reach the model as visible escapes.
const hidden = "\u{E0049}\u{E0047}\u{E004E}"; // "IGN" in tag characters
const shown = "<U+E0049><U+E0047><U+E004E>";

describe("chat prompt texts show invisible Unicode", () => {
  it("a rules file (AGENTS.md) with tag characters and a bidi override", () => {
    const text = ruleText({ path: "AGENTS.md", text: `Be brief.${hidden}\u202E` });
    assert.equal(text, `Instructions from the workspace file AGENTS.md:\nBe brief.${shown}<U+202E>`);
  });

  it("an attachment (file, selection or OCR text of an image) and its label", () => {
    const text = attachmentText({ kind: "document", label: `scan\u200B.png`, text: `Invoice total 12${hidden}` });
    assert.equal(text, `Context (document: scan<U+200B>.png):\n\`\`\`\nInvoice total 12${shown}\n\`\`\``);
  });

  it("text pasted into the message and a stored summary", () => {
    assert.equal(visibleText(`explain this${hidden}`), `explain this${shown}`);
    assert.equal(summaryText(`ok${hidden}`), `Summary of the earlier conversation:\nok${shown}`);
  });
});
