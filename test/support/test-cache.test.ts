// The test run never writes into the person's cache (~/.cache/pincer: OCR language links,
// thread calibrations, indexes): scripts/run-mocha.mjs points PINCER_CACHE_DIR at a temporary folder.
import assert from "node:assert/strict";
import os from "node:os";
import path from "node:path";
import { languageFolder } from "../../server/src/ocr/language-links";
import { defaultCacheDir } from "../../server/src/store/json-store";

describe("the test run's cache", () => {
  it("is a temporary folder, and OCR's language links go there", async () => {
    const cache = defaultCacheDir();
    const personal = defaultCacheDir({ HOME: os.homedir() });
    assert.ok(!cache.startsWith(personal), `${cache} is the person's cache`);
    assert.equal(await languageFolder(["eng"]), path.join(cache, "ocr", "languages"));
  });
});
