// The first run's manifest parts (walkthrough, welcome view, commands) against what exists: every %key%
// has English and Simplified Chinese text, every image is in media/, every command link names a command
// the extension contributes, and the welcome buttons name catalog models.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CATALOG } from "./catalog";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const read = (file: string) => JSON.parse(readFileSync(path.join(root, file), "utf8")) as Record<string, unknown>;

interface Manifest {
  contributes: {
    commands: { command: string; title: string }[];
    views: Record<string, { id: string; name: string; when?: string }[]>;
    viewsWelcome: { view: string; contents: string; when?: string }[];
    walkthroughs: { id: string; title: string; description: string; steps: { id: string; title: string; description: string; media: { svg: string; altText: string }; completionEvents: string[] }[] }[];
  };
}

describe("first-run manifest", () => {
  const manifest = read("package.json") as unknown as Manifest;
  const english = read("package.nls.json") as Record<string, string>;
  const chinese = read("package.nls.zh-cn.json") as Record<string, string>;
  const text = (value: string) => (/^%[^%]+%$/.test(value) ? english[value.slice(1, -1)] : value);
  const { walkthroughs, viewsWelcome, commands } = manifest.contributes;

  it("has English and Chinese text for every %key% it uses", () => {
    const keys = [...JSON.stringify(manifest).matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!);
    assert.ok(keys.length > 20);
    for (const key of keys) {
      assert.ok(english[key], `package.nls.json lacks ${key}`);
      assert.ok(chinese[key], `package.nls.zh-cn.json lacks ${key}`);
      if (key.startsWith("firstRun.")) assert.match(chinese[key]!, /[\u4e00-\u9fff]/, `${key} is translated`);
    }
  });

  it("walks through four steps, each with an image in media/ and a completion event", () => {
    const [walkthrough] = walkthroughs;
    assert.equal(walkthrough?.id, "pincer.firstRun");
    assert.deepEqual(walkthrough.steps.map((s) => s.id), ["pickModel", "tryCompletion", "askChat", "runAgent"]);
    for (const step of walkthrough.steps) {
      // `svg` (not `image`): VS Code inlines it, so its var(--vscode-*) colours follow the theme.
      assert.ok(existsSync(path.join(root, step.media.svg)) && step.media.svg.endsWith(".svg"), step.media.svg);
      assert.ok(text(step.media.altText));
      assert.ok(step.completionEvents.length > 0 && step.completionEvents.every((e) => /^on(Context|Command|SettingChanged):/.test(e)), step.id);
    }
  });

  it("links only commands the extension contributes (or VS Code's walkthrough opener)", () => {
    const contributed = new Set(commands.map((c) => c.command));
    const texts = [...viewsWelcome.map((w) => w.contents), ...walkthroughs.flatMap((w) => w.steps.map((s) => s.description))];
    for (const lang of [english, chinese]) {
      for (const raw of texts) {
        const body = /^%[^%]+%$/.test(raw) ? lang[raw.slice(1, -1)]! : raw;
        for (const [, command, args] of body.matchAll(/\(command:([\w.]+)(?:\?([^)]+))?\)/g)) {
          assert.ok(contributed.has(command!) || command === "workbench.action.openWalkthrough", `unknown command ${command}`);
          if (args) JSON.parse(decodeURIComponent(args)); // a link whose arguments are not JSON does nothing
        }
      }
    }
  });

  it("offers the catalog's chat models as welcome buttons while no model is set, plus a file and a remote endpoint", () => {
    const setup = Object.values(manifest.contributes.views).flat().find((v) => v.id === "pincer.setup");
    assert.equal(setup?.when, "pincer.noModel");
    const welcome = viewsWelcome.filter((w) => w.view === "pincer.setup").map((w) => text(w.contents)!).join("\n");
    for (const entry of CATALOG.filter((e) => e.role === "model")) assert.ok(welcome.includes(encodeURIComponent(JSON.stringify([entry.id]))), entry.id);
    assert.match(welcome, /command:pincer\.useModelFile/);
    assert.match(welcome, /command:pincer\.useRemoteEndpoint/);
    assert.ok(viewsWelcome.every((w) => w.when?.includes("pincer.noModel")));
  });
});
