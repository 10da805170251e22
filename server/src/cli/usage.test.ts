import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { AGENT_PROFILES } from "../protocol";
import { usage } from "./usage";

const MAIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "main.ts");
const env = (vars: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
  const rest = { ...process.env };
  delete rest.LC_ALL;
  delete rest.LC_MESSAGES;
  delete rest.LANG;
  return { ...rest, ...vars };
};

describe("pincer's usage text", () => {
  it("is in Simplified Chinese when LC_ALL, LC_MESSAGES or LANG says zh_CN, else English; the profiles filled in", () => {
    for (const vars of [{ LANG: "zh_CN.UTF-8" }, { LC_ALL: "zh_CN.UTF-8", LANG: "en_US.UTF-8" }, { LC_MESSAGES: "zh_CN" }]) {
      const text = usage(vars);
      assert.match(text, /^用法：pincer <命令> \[选项\]/, JSON.stringify(vars));
      assert.ok(text.includes(`--profile ${AGENT_PROFILES.join("|")}`));
      assert.match(text, /退出码：0 成功/);
    }
    for (const vars of [{ LANG: "en_US.UTF-8" }, { LANG: "C" }, {}, { LANG: "zh_TW.UTF-8" }]) {
      assert.match(usage(vars), /^Usage: pincer <command> \[options\]/, JSON.stringify(vars));
    }
  });

  it("pincer --help and a usage error print it in the terminal's language", function () {
    this.timeout(120_000);
    const help = spawnSync(process.execPath, ["--import", "tsx", MAIN, "--help"], { env: env({ LANG: "zh_CN.UTF-8" }), encoding: "utf8", timeout: 60_000 });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^用法：pincer/);
    const wrong = spawnSync(process.execPath, ["--import", "tsx", MAIN, "no-such-command"], { env: env({ LC_ALL: "zh_CN.UTF-8" }), encoding: "utf8", timeout: 60_000 });
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /\n用法：pincer/);
  });
});
