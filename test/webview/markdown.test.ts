// The chat webview's Markdown renderer runs in a browser, but it is plain TypeScript over
// markdown-it and highlight.js, so its safety rules are checked here in Node.
import assert from "node:assert/strict";
import { fenced, renderMarkdown } from "../../client/src/chat/webview/markdown";

describe("chat Markdown", () => {
  it("shows links and images from model output as text, with no href or src to follow or load", () => {
    const { html } = renderMarkdown("See [docs](https://evil.example/?d=secret) and ![x](https://evil.example/p.png) and <a href='https://e'>raw</a>.");
    assert.doesNotMatch(html, /<a\b|<img\b/);
    assert.doesNotMatch(html, /\s(href|src)="/);
    assert.match(html, /<span class="md-link" title="https:\/\/evil\.example\/\?d=secret">docs<\/span>/);
    assert.match(html, /\[image: x\]/);
    assert.match(html, /&lt;a href=/, "raw HTML is escaped");
  });

  it("keeps code with backtick fences inside its own block", () => {
    const diff = "--- a/x.md\n+++ b/x.md\n@@ -1 +1 @@\n-```\n+[link](https://evil.example)\n";
    const { codeBlocks } = renderMarkdown(fenced("diff", diff));
    assert.equal(codeBlocks.length, 1);
    assert.equal(codeBlocks[0]!.code, diff);
  });
});
