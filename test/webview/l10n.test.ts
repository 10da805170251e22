// Simplified Chinese UI: every English string Pincer's extension shows has a zh-CN entry and every
// zh-CN entry has its English string (keys compared both ways), for package.json's contributions
// (%key% → package.nls.json / package.nls.zh-cn.json) and for the strings the extension and the chat
// webview show (vscode.l10n.t and WEBVIEW_STRINGS → l10n/bundle.l10n.zh-cn.json).
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { formatMessage, WEBVIEW_STRINGS } from "../../client/src/chat/webview-strings";
import { repoRoot } from "../support/test-model";

const readJson = (file: string) => JSON.parse(readFileSync(path.join(repoRoot, file), "utf8")) as Record<string, unknown>;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) sourceFiles(file, out);
    else if (/\.ts$/.test(name) && !/\.test\.ts$/.test(name)) out.push(file);
  }
  return out;
}

/** "%key%" strings anywhere in the manifest. */
function manifestKeys(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === "string") {
    const match = /^%([^%\s]+)%$/.exec(value);
    if (match) out.add(match[1]!);
  } else if (Array.isArray(value)) for (const item of value) manifestKeys(item, out);
  else if (typeof value === "object" && value !== null) for (const item of Object.values(value)) manifestKeys(item, out);
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{(\d+)\}/g)].map((m) => m[1]).sort();
const hasChinese = (text: string) => /\p{Script=Han}/u.test(text);

describe("Simplified Chinese UI (zh-CN)", () => {
  it("every %key% of package.json has an English and a zh-CN entry, and the two files have the same keys", () => {
    const manifest = readJson("package.json");
    const english = readJson("package.nls.json");
    const chinese = readJson("package.nls.zh-cn.json");
    const used = manifestKeys(manifest);
    assert.deepEqual([...used].filter((key) => !(key in english)), [], "missing in package.nls.json");
    assert.deepEqual(Object.keys(english).filter((key) => !used.has(key)), [], "unused in package.json");
    assert.deepEqual(Object.keys(english).filter((key) => !(key in chinese)), [], "missing in package.nls.zh-cn.json");
    assert.deepEqual(Object.keys(chinese).filter((key) => !(key in english)), [], "in package.nls.zh-cn.json only");
    for (const [key, text] of Object.entries(chinese)) assert.ok(typeof text === "string" && hasChinese(text), `${key} is not translated`);
  });

  it("package.json's commands, views and settings show no English text of their own (each goes through %key%)", () => {
    const { contributes } = readJson("package.json") as { contributes: { commands: { title: string }[]; views: Record<string, { name: string }[]>; configuration: { properties: Record<string, Record<string, unknown>> } } };
    for (const command of contributes.commands) assert.match(command.title, /^%.+%$/);
    for (const view of Object.values(contributes.views).flat()) assert.match(view.name, /^%.+%$/);
    for (const [key, setting] of Object.entries(contributes.configuration.properties)) {
      for (const field of ["description", "markdownDescription"]) if (setting[field] !== undefined) assert.match(String(setting[field]), /^%.+%$/, `${key}.${field}`);
      for (const text of (setting.enumDescriptions as string[] | undefined) ?? []) assert.match(text, /^%.+%$/, `${key}.enumDescriptions`);
    }
  });

  it("every string the extension and the chat webview show has a zh-CN entry in l10n/bundle.l10n.zh-cn.json, and every entry is used", () => {
    const shown = new Set<string>(WEBVIEW_STRINGS);
    for (const file of sourceFiles(path.join(repoRoot, "client", "src"))) {
      const text = readFileSync(file, "utf8");
      for (const call of text.matchAll(/vscode\.l10n\.t\(\s*([^\s)])/g)) {
        assert.equal(call[1], '"', `${path.relative(repoRoot, file)}: vscode.l10n.t takes a string literal (its English text is the key)`);
      }
      for (const call of text.matchAll(/vscode\.l10n\.t\(\s*("(?:[^"\\]|\\.)*")/g)) shown.add(JSON.parse(call[1]!) as string);
    }
    const bundle = readJson("l10n/bundle.l10n.zh-cn.json");
    assert.deepEqual([...shown].filter((english) => !(english in bundle)), [], "missing in l10n/bundle.l10n.zh-cn.json");
    assert.deepEqual(Object.keys(bundle).filter((english) => !shown.has(english)), [], "in the bundle but shown nowhere");
    for (const [english, chinese] of Object.entries(bundle)) {
      assert.ok(typeof chinese === "string" && hasChinese(chinese), `"${english}" is not translated`);
      assert.deepEqual(placeholders(chinese), placeholders(english), `"${english}" keeps its placeholders`);
    }
  });

  it("the webview fills placeholders and leaves a missing argument visible", () => {
    assert.equal(formatMessage("第 {0} 步需要批准：{1}", [3, "rm -rf build"]), "第 3 步需要批准：rm -rf build");
    assert.equal(formatMessage("{0} / {1} tokens", ["12"]), "12 / {1} tokens");
  });
});
