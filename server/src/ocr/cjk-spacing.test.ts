import assert from "node:assert/strict";
import { joinCjkSpacing } from "./cjk-spacing";

describe("joinCjkSpacing", () => {
  const table: [string, string, string][] = [
    ["spaces between Chinese characters", "本 地 化 部 署 让 数据 始终", "本地化部署让数据始终"],
    ["a space before CJK punctuation", "签署 合同 。", "签署合同。"],
    ["a space after CJK punctuation", "你好 ， 世界", "你好，世界"],
    ["fullwidth punctuation next to Latin", "Node.js ， 运行", "Node.js，运行"],
    ["mixed Chinese and Latin stays readable", "使用 Node.js 运行", "使用 Node.js 运行"],
    ["Latin words keep their spaces", "The quick brown fox", "The quick brown fox"],
    ["numbers next to Han keep the space", "共 42 项", "共 42 项"],
    ["Japanese kana and kanji", "こ れ は 日本 語 で す", "これは日本語です"],
    ["Korean keeps its word spaces", "한국어 문장 입니다", "한국어 문장 입니다"],
    ["several spaces and tabs between Han", "数据 \t 始终", "数据始终"],
    ["a newline is kept", "第一 行\n第二 行", "第一行\n第二行"],
    ["corner brackets", "他说 「 你好 」", "他说「你好」"],
    ["empty", "", ""],
  ];
  for (const [name, input, expected] of table) {
    it(name, () => assert.equal(joinCjkSpacing(input), expected));
  }
});
