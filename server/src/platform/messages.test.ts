import assert from "node:assert/strict";
import { MESSAGES, messageLocale, messagesFor, translateNote } from "./messages";

describe("the server's message catalogue", () => {
  it("has a zh-CN text for every English one and no other (keys compared both ways), with the same placeholders", () => {
    assert.deepEqual(Object.keys(MESSAGES["zh-cn"]).sort(), Object.keys(MESSAGES.en).sort());
    const placeholders = (text: string) => [...text.matchAll(/\{(\d+)\}/g)].map((m) => m[1]).sort();
    for (const [id, english] of Object.entries(MESSAGES.en)) {
      const chinese = MESSAGES["zh-cn"][id as keyof typeof MESSAGES.en];
      // Chinese characters, or for a pure pattern ("{0}：{1}") Chinese punctuation.
      assert.match(chinese, /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u, `${id} is translated`);
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

  it("shows an English note made from the catalogue (an OCR note the cache kept) in the person's language", () => {
    const ids = ["ocr.imageScaled", "ocr.pageLimit"] as const;
    const en = messagesFor("en");
    const zh = messagesFor("zh-cn");
    assert.equal(translateNote(en("ocr.imageScaled", 8000, 6000, 4000, 3000), ids, zh), "图像（8000 x 6000）已缩放为 4000 x 3000 再做 OCR。");
    // The values keep their places even where the other language orders them differently.
    assert.equal(translateNote(en("ocr.pageLimit", 50, 120), ids, zh), "只处理了 120 页中的前 50 页（页数上限）。");
    assert.equal(translateNote(en("ocr.pageLimit", 50, 120), ids, en), en("ocr.pageLimit", 50, 120));
    assert.equal(translateNote("Some other note.", ids, zh), "Some other note.");
  });
});
