import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { invalidSettingMessage, messagesFor } from "../platform/messages";
import { DEFAULT_SETTINGS, invalidSettings, normalizeSettings, SETTINGS_SCHEMA, unflattenPincerKeys } from "./settings";

const packageJson = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "package.json");

describe("settings", () => {
  it("package.json declares exactly the settings of the schema (one definition), its texts through package.nls.json", () => {
    const manifest = JSON.parse(readFileSync(packageJson, "utf8")) as { contributes: { configuration: { properties: unknown } } };
    const nls = JSON.parse(readFileSync(path.join(path.dirname(packageJson), "package.nls.json"), "utf8")) as Record<string, string>;
    // VS Code replaces "%key%" with the display language's package.nls.<locale>.json entry (English: package.nls.json).
    const resolved = JSON.parse(JSON.stringify(manifest.contributes.configuration.properties), (_key, value: unknown) =>
      typeof value === "string" && /^%[^%\s]+%$/.test(value) ? (nls[value.slice(1, -1)] ?? value) : value,
    ) as unknown;
    assert.deepEqual(resolved, JSON.parse(JSON.stringify(SETTINGS_SCHEMA)));
  });

  it("the defaults are the schema's, and normalizing nothing gives them", () => {
    assert.deepEqual(normalizeSettings({}), DEFAULT_SETTINGS);
    assert.deepEqual(normalizeSettings(undefined), DEFAULT_SETTINGS);
    for (const [key, schema] of Object.entries(SETTINGS_SCHEMA)) {
      const value = key.replace(/^pincer\./, "").split(".").reduce<unknown>((object, part) => (object as Record<string, unknown>)[part], DEFAULT_SETTINGS);
      assert.deepEqual(value, schema.default, key);
    }
    assert.deepEqual(Object.keys(DEFAULT_SETTINGS.agent).sort(), ["maxSteps", "maxTokens", "maxWallSeconds", "profile", "sandbox", "toolPermissions"]);
  });

  it("fills defaults and keeps valid values", () => {
    const settings = normalizeSettings({ model: " /m.gguf ", threads: 3, gpuLayers: "max", contextSize: "2048", completion: { maxLines: 2 } });
    assert.equal(settings.model, "/m.gguf");
    assert.equal(settings.threads, 3);
    assert.equal(settings.gpuLayers, "max");
    assert.equal(settings.contextSize, 2048);
    assert.equal(settings.completion.maxLines, 2);
    assert.equal(settings.completion.maxTokens, DEFAULT_SETTINGS.completion.maxTokens);
  });

  it("drops invalid values instead of passing them on", () => {
    const settings = normalizeSettings({ threads: 0, gpu: "quantum", contextSize: 10, completion: { enabled: "yes" } });
    assert.equal(settings.threads, "auto");
    assert.equal(settings.gpu, "auto");
    assert.equal(settings.contextSize, "auto");
    assert.equal(settings.completion.enabled, true);
  });

  it("keeps the first-suggestion time budget when it is a number of at least 0", () => {
    assert.equal(normalizeSettings({}).completion.firstSuggestionMs, 1000);
    assert.equal(normalizeSettings({ completion: { firstSuggestionMs: 0 } }).completion.firstSuggestionMs, 0);
    assert.equal(normalizeSettings({ completion: { firstSuggestionMs: 350.7 } }).completion.firstSuggestionMs, 350);
    for (const bad of [-1, "500", Number.POSITIVE_INFINITY, null]) {
      assert.equal(normalizeSettings({ completion: { firstSuggestionMs: bad } }).completion.firstSuggestionMs, 1000, String(bad));
    }
  });

  it("reads VS Code style dotted keys", () => {
    const nested = unflattenPincerKeys({ "pincer.model": "a.gguf", "pincer.completion.maxTokens": 5, threads: 2 });
    const settings = normalizeSettings(nested);
    assert.equal(settings.model, "a.gguf");
    assert.equal(settings.completion.maxTokens, 5);
    assert.equal(settings.threads, 2);
  });

  it("keeps valid agent settings and drops the rest", () => {
    const settings = normalizeSettings({
      agent: { maxSteps: 5, maxTokens: 1000, maxWallSeconds: 60, profile: "full", toolPermissions: { run_command: "deny", edit_file: "allow", "../x": "allow", read_file: "yes", __proto__: "allow" } },
    });
    assert.deepEqual(settings.agent, { maxSteps: 5, maxTokens: 1000, maxWallSeconds: 60, profile: "full", toolPermissions: { run_command: "deny", edit_file: "allow" }, sandbox: "auto" });
    const bad = normalizeSettings({ agent: { maxSteps: 0, maxTokens: -1, maxWallSeconds: "60", profile: "root", toolPermissions: ["allow"], sandbox: "no" } });
    assert.deepEqual(bad.agent, DEFAULT_SETTINGS.agent);
  });

  it("takes the command sandbox setting only as auto, required or off", () => {
    assert.equal(normalizeSettings({ agent: { sandbox: "off" } }).agent.sandbox, "off");
    assert.equal(normalizeSettings({ agent: { sandbox: "required" } }).agent.sandbox, "required");
    assert.equal(normalizeSettings({ agent: { sandbox: false } }).agent.sandbox, "auto");
  });

  it("reads dotted agent keys", () => {
    const settings = normalizeSettings(unflattenPincerKeys({ "pincer.agent.profile": "read-only", "pincer.agent.maxSteps": 7 }));
    assert.equal(settings.agent.profile, "read-only");
    assert.equal(settings.agent.maxSteps, 7);
  });
});

describe("invalidSettings", () => {
  it("names each setting whose value was not used, the value given and the value used instead", () => {
    const raw = unflattenPincerKeys({ "pincer.threads": "lots", "pincer.gpu": "nvidia", "pincer.completion.maxTokens": 0, "pincer.agent.profile": "root", "pincer.model": 7 });
    assert.deepEqual(invalidSettings(raw, normalizeSettings(raw)), [
      { key: "pincer.model", value: 7, used: "" },
      { key: "pincer.gpu", value: "nvidia", used: "auto" },
      { key: "pincer.threads", value: "lots", used: "auto" },
      { key: "pincer.completion.maxTokens", value: 0, used: DEFAULT_SETTINGS.completion.maxTokens },
      { key: "pincer.agent.profile", value: "root", used: DEFAULT_SETTINGS.agent.profile },
    ].sort((a, b) => SETTING_ORDER.indexOf(a.key) - SETTING_ORDER.indexOf(b.key)));
    assert.match(invalidSettingMessage(messagesFor("en"), { key: "pincer.threads", value: "lots", used: "auto" }), /^Setting "pincer\.threads" has the invalid value "lots"; using "auto" instead\.$/);
  });

  it("is silent for valid values, defaults, numbers given as digits and trimmed strings", () => {
    const raw = unflattenPincerKeys({ "pincer.threads": "4", "pincer.gpu": "auto", "pincer.model": " a.gguf ", "pincer.contextSize": 2048, "pincer.completion.enabled": false });
    assert.deepEqual(invalidSettings(raw, normalizeSettings(raw)), []);
  });
});
const SETTING_ORDER = Object.keys(SETTINGS_SCHEMA);
