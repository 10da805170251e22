import assert from "node:assert/strict";
import { MESSAGES, messageLocale, messagesFor } from "./messages";

describe("the server's message catalogue", () => {
  it("has a zh-CN text for every English one and no other (keys compared both ways), with the same placeholders", () => {
    assert.deepEqual(Object.keys(MESSAGES["zh-cn"]).sort(), Object.keys(MESSAGES.en).sort());
    const placeholders = (text: string) => [...text.matchAll(/\{(\d+)\}/g)].map((m) => m[1]).sort();
    for (const [id, english] of Object.entries(MESSAGES.en)) {
      const chinese = MESSAGES["zh-cn"][id as keyof typeof MESSAGES.en];
      assert.match(chinese, /\p{Script=Han}/u, `${id} is translated`);
      assert.deepEqual(placeholders(chinese), placeholders(english), id);
    }
  });

  it("picks the catalogue from the client's locale (Simplified Chinese locales → zh-cn, anything else → en) and fills placeholders", () => {
    assert.equal(messageLocale("zh-cn"), "zh-cn");
    assert.equal(messageLocale("zh-CN"), "zh-cn");
    assert.equal(messageLocale("zh-tw"), "en");
    assert.equal(messageLocale("de"), "en");
    assert.equal(messageLocale(undefined), "en");
    assert.equal(messagesFor("zh-cn")("host.notDownloaded", "hf:a/b/c.gguf"), MESSAGES["zh-cn"]["host.notDownloaded"].replace("{0}", "hf:a/b/c.gguf"));
    assert.equal(messagesFor("en")("host.loading"), "Loading the model");
  });
});
