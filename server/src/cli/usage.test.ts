import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { AGENT_PROFILES } from "../protocol";
import { parseArgsError, usage, usageError, UsageError, usageErrorText } from "./usage";

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
    assert.match(wrong.stderr, /^pincer: 未知命令“no-such-command”。\n/);
    const missing = spawnSync(process.execPath, ["--import", "tsx", MAIN, "ocr", "--lang"], { env: env({ LANG: "zh_CN.UTF-8" }), encoding: "utf8", timeout: 60_000 });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^pincer: --lang 需要一个值。\n/);
    const english = spawnSync(process.execPath, ["--import", "tsx", MAIN, "no-such-command"], { env: env({ LANG: "en_US.UTF-8" }), encoding: "utf8", timeout: 60_000 });
    assert.match(english.stderr, /^pincer: unknown command "no-such-command"\.\n\nUsage: pincer/);
  });

  it("usage errors: made in English, printed in the terminal's language; one the catalogue lacks stays as it is", () => {
    const zh = { LANG: "zh_CN.UTF-8" };
    assert.equal(usageError("cli.error.unknownSubcommand", "mcp", "start").message, 'unknown mcp subcommand "start".');
    assert.equal(usageErrorText(usageError("cli.error.unknownSubcommand", "mcp", "start"), zh), "未知的 mcp 子命令“start”。");
    assert.equal(usageErrorText(usageError("cli.error.remoteNeedsSubcommand"), zh), "remote 需要一个子命令：allow 或 key。");
    assert.equal(usageErrorText(usageError("cli.error.needsSubcommand", "task", "list"), zh), "task 需要一个子命令：list。");
    assert.equal(usageErrorText(usageError("cli.error.required", "--workspace"), zh), "必须提供 --workspace。");
    assert.equal(usageErrorText(usageError("cli.error.fromOne", "--max-steps"), zh), "--max-steps 须为 1 或更大的整数。");
    assert.equal(usageErrorText(usageError("cli.error.fromOne", "--max-steps"), { LANG: "en_US.UTF-8" }), "--max-steps takes a number from 1 up.");
    assert.equal(usageErrorText(new UsageError("something else."), zh), "something else.");
    // node:util parseArgs' own errors, by code.
    const thrown = (args: string[]) => {
      try {
        parseArgs({ args, options: { model: { type: "string" }, json: { type: "boolean" } }, strict: true });
      } catch (error) {
        return usageErrorText(parseArgsError(error), zh);
      }
      throw new Error("parseArgs accepted it");
    };
    assert.equal(thrown(["--bogus"]), "未知选项“--bogus”（以“-”开头的位置参数请放在命令末尾的“--”之后）。");
    assert.equal(thrown(["--model"]), "--model 需要一个值。");
    assert.equal(thrown(["--json=yes"]), "--json 不接受值。");
  });
});
