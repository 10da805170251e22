import assert from "node:assert/strict";
import { answerLanguage, localeFromEnv, systemPrompt } from "./answer-language";
import { SYSTEM_PROMPT } from "./system-prompt";

describe("the chat's answer language (pincer.chat.language)", () => {
  it("auto follows the UI language: Simplified Chinese locales give zh-cn, others leave the model to follow the person", () => {
    const table: [string, string | undefined, string | undefined][] = [
      ["auto", "zh-cn", "zh-cn"],
      ["auto", "zh-CN", "zh-cn"],
      ["auto", "zh-hans", "zh-cn"],
      ["auto", "zh-sg", "zh-cn"],
      ["auto", "zh-tw", undefined],
      ["auto", "en", undefined],
      ["auto", undefined, undefined],
      ["en", "zh-cn", "en"],
      ["zh-cn", "en", "zh-cn"],
    ];
    for (const [setting, locale, expected] of table) assert.equal(answerLanguage(setting as "auto" | "en" | "zh-cn", locale), expected, `${setting} ${locale}`);
  });

  it("the system prompt tells the model the answer language", () => {
    assert.equal(systemPrompt(undefined), SYSTEM_PROMPT);
    assert.match(systemPrompt("zh-cn"), /Answer in Simplified Chinese/);
    assert.match(systemPrompt("en"), /Answer in English/);
  });

  it("the CLI's locale comes from LC_ALL, then LC_MESSAGES, then LANG", () => {
    assert.equal(localeFromEnv({ LANG: "zh_CN.UTF-8" }), "zh-cn");
    assert.equal(localeFromEnv({ LC_ALL: "en_US.UTF-8", LANG: "zh_CN.UTF-8" }), "en-us");
    assert.equal(localeFromEnv({ LC_MESSAGES: "zh_CN", LANG: "C" }), "zh-cn");
    assert.equal(localeFromEnv({ LANG: "C.UTF-8" }), undefined);
    assert.equal(localeFromEnv({}), undefined);
  });
});
