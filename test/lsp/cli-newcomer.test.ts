// What a new user trips over in the `pincer` CLI, from the built bin: one rule for missing input
// files (exit 1, one line, no usage text), a "no model" message that names the CLI's ways to give
// one, errors printed once, `outline` saying what it did not find, and `complete` refusing a
// position outside the file. None of these needs a model except where the test model is named.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PINCER_BIN, requireBuild } from "../support/build";
import { requireTestModel } from "../support/test-model";

describe("pincer CLI: what a newcomer trips over", function () {
  this.timeout(60_000);
  let dir: string;
  const pincerWith = (extraEnv: NodeJS.ProcessEnv, ...args: string[]) => {
    const { PINCER_MODEL: _model, PINCER_LOG: _log, LC_ALL: _all, LC_MESSAGES: _messages, LANG: _lang, ...env } = process.env;
    return spawnSync(process.execPath, [PINCER_BIN, ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...env, PINCER_SETTINGS: path.join(dir, "settings.json"), PINCER_CACHE_DIR: path.join(dir, "cache"), ...extraEnv },
      timeout: 50_000,
    });
  };
  const pincer = (...args: string[]) => pincerWith({}, ...args);

  before(async function () {
    requireBuild(this);
    dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-cli-newcomer-")));
    await fs.mkdir(path.join(dir, "ws"));
    await fs.mkdir(path.join(dir, ".pincer", "tasks"), { recursive: true });
    await fs.writeFile(path.join(dir, ".pincer", "tasks", "explain.pincer.md"), "---\nname: Explain\n---\nExplain {{file}}\n");
    await fs.writeFile(path.join(dir, "seven.ts"), "const a = 1;\nconst b = 2;\nconst c = 3;\nconst d = 4;\nconst e = 5;\nconst f = 6;\nconst g = 7;\n");
    await fs.writeFile(path.join(dir, "package.json"), '{ "name": "x" }\n');
    await fs.writeFile(path.join(dir, "notes.xyz"), "plain notes\n");
    await fs.writeFile(path.join(dir, "fn.ts"), "export function first() {}\n\nexport class Second {}\n");
  });

  after(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  describe("a missing input file is exit code 1 with one line naming it, for every command", () => {
    const cases: [string, string[]][] = [
      ["outline", ["outline", "missing.ts"]],
      ["complete --file", ["complete", "--file", "missing.ts", "--line", "0", "--character", "0"]],
      ["ocr", ["ocr", "missing.png"]],
      ["chat --context", ["chat", "--context", "missing.ts", "hello"]],
      ["chat --task --file", ["chat", "--task", "explain", "--file", "missing.ts"]],
      ["run --mcp-config", ["run", "--workspace", "ws", "--mcp-config", "missing.json", "task"]],
      ["run --workspace", ["run", "--workspace", "missing", "task"]],
      ["mcp list --mcp-config", ["mcp", "list", "--mcp-config", "missing.json"]],
      ["undo --workspace", ["undo", "--workspace", "missing"]],
      ["index --workspace", ["index", "--workspace", "missing"]],
      ["search --workspace", ["search", "q", "--workspace", "missing"]],
      ["serve --tls-cert", ["serve", "--http", "--tls-cert", "missing.pem", "--tls-key", "missing.key"]],
    ];
    for (const [name, args] of cases) {
      it(name, () => {
        const result = pincer(...args);
        assert.equal(result.status, 1, result.stderr);
        assert.doesNotMatch(result.stderr, /Usage:/);
        assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
        const lines = result.stderr.trim().split("\n");
        assert.equal(lines.length, 1, result.stderr);
        assert.match(lines[0]!, /^pincer: .*missing/);
      });
    }
  });

  it("no model: the message names --model, $PINCER_MODEL and the settings file, not a VS Code command", () => {
    const result = pincer("chat", "hello");
    assert.equal(result.status, 1);
    assert.doesNotMatch(result.stderr, /Select Model/);
    assert.match(result.stderr, /--model/);
    assert.match(result.stderr, /\$PINCER_MODEL/);
    assert.ok(result.stderr.includes(path.join(dir, "settings.json")), result.stderr);
  });

  it("follows LANG: with zh_CN.UTF-8 'no model' and an invalid setting are said in Chinese", async () => {
    await fs.writeFile(path.join(dir, "settings.json"), JSON.stringify({ "pincer.threads": "lots" }));
    try {
      const result = pincerWith({ LANG: "zh_CN.UTF-8" }, "chat", "hello");
      assert.equal(result.status, 1);
      assert.match(result.stderr, /没有指定模型。请用 --model PATH 指定/);
      assert.match(result.stderr, /设置 "pincer\.threads" 的值 "lots" 无效，改用 "auto"。/);
    } finally {
      await fs.rm(path.join(dir, "settings.json"), { force: true });
    }
  });

  it("an invalid setting is named once, with the value used instead", async () => {
    await fs.writeFile(path.join(dir, "settings.json"), JSON.stringify({ "pincer.threads": "lots" }));
    try {
      const result = pincer("chat", "hello");
      assert.equal(result.stderr.match(/Setting "pincer\.threads" has the invalid value "lots"; using "auto" instead\./g)?.length, 1, result.stderr);
    } finally {
      await fs.rm(path.join(dir, "settings.json"), { force: true });
    }
  });

  it("a model that does not load is reported once", async () => {
    await fs.writeFile(path.join(dir, "bad.gguf"), "not a model\n");
    const result = pincer("chat", "--model", "bad.gguf", "hello");
    assert.equal(result.status, 1);
    assert.equal(result.stderr.match(/not a GGUF model file/g)?.length, 1, result.stderr);
  });

  it("outline says when a file has no definitions, and which languages it reads", () => {
    const empty = pincer("outline", "package.json");
    assert.equal(empty.status, 0, empty.stderr);
    assert.match(empty.stderr, /no definitions in package\.json/);
    const unknown = pincer("outline", "notes.xyz");
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /outline reads .*TypeScript.*Python/);
  });

  it("outline's text numbers lines from 1, --json keeps 0-based ranges (as complete --line), and the usage says so", () => {
    const text = pincer("outline", "fn.ts");
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /function first {2}\(line 1\)/);
    assert.match(text.stdout, /class Second {2}\(line 3\)/);
    const json = JSON.parse(pincer("outline", "fn.ts", "--json").stdout) as { symbols: { name: string; range: { start: { line: number } } }[] };
    assert.equal(json.symbols.find((s) => s.name === "Second")!.range.start.line, 2, "--json keeps LSP's 0-based ranges");
    assert.match(pincer("help").stdout, /outline FILE \[--json\] .*lines from 1; --json: 0-based/);
  });

  it("complete refuses a line or character outside the file (exit 2, one line)", () => {
    for (const [line, character] of [["50", "0"], ["6", "99"]]) {
      const result = pincer("complete", "--file", "seven.ts", "--line", line!, "--character", character!);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /outside (line 6 of )?seven\.ts/);
      assert.doesNotMatch(result.stderr, /Usage:/);
    }
  });

  it("complete's text output ends with a newline", async function () {
    const model = requireTestModel(this);
    await fs.writeFile(path.join(dir, "settings.json"), JSON.stringify({ "pincer.threads": 1, "pincer.contextSize": 512 }));
    try {
      const result = pincer("complete", "--model", model, "--file", "seven.ts", "--line", "7", "--character", "0");
      assert.equal(result.status, 0, result.stderr);
      assert.ok(result.stdout.endsWith("\n"), JSON.stringify(result.stdout));
    } finally {
      await fs.rm(path.join(dir, "settings.json"), { force: true });
    }
  });
});
