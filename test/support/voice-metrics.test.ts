import assert from "node:assert/strict";
import { charErrorRate, normalizeSpeech, pinyinSyllableErrorRate, wordErrorRate } from "./voice-metrics";

describe("voice bench metrics", () => {
  it("WER ignores case and punctuation and counts substitutions, insertions and deletions", () => {
    assert.equal(normalizeSpeech("Please, open it!"), "please open it");
    assert.equal(wordErrorRate("Please open the file.", "please open the file"), 0);
    assert.equal(wordErrorRate("Why does the build fail", "Why does the real fail"), 0.2);
    assert.equal(wordErrorRate("open the file", ""), 1);
  });

  it("CER compares characters without spaces or punctuation; the pinyin rate forgives homophones and traditional forms", () => {
    assert.equal(charErrorRate("我们明天用 Python 写一个测试。", "我们明天用Python写一个测试"), 0);
    assert.equal(charErrorRate("请打开设置文件", "請打開設置文件"), 3 / 7);
    assert.equal(pinyinSyllableErrorRate("请打开设置文件", "請打開設置文件"), 0);
    assert.equal(pinyinSyllableErrorRate("我们明天用 Python 写测试", "我们明天用 python 写测试"), 0);
    assert.equal(pinyinSyllableErrorRate("打开文件", "Open the file"), 1);
  });
});
