import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { COMMAND_LINE_VARIABLE, commandShell, type CommandShell, type CommandShellChoice, findCommandShell } from "./command-shell";

function found(choice: CommandShellChoice): CommandShell {
  assert.ok(!("error" in choice), "error" in choice ? choice.error : "");
  return choice;
}

const posix = (files: string[], env: NodeJS.ProcessEnv = {}) => findCommandShell({ platform: "linux", env, isExecutable: (file) => files.includes(file) });
const windows = (files: string[], env: NodeJS.ProcessEnv = {}) =>
  findCommandShell({ platform: "win32", env, isExecutable: (file) => files.some((f) => f.toLowerCase() === file.toLowerCase()) });

describe("command shell: bash, the language the policy parses", () => {
  it("POSIX: /bin/bash first, then /usr/bin/bash, then bash in an absolute PATH entry", () => {
    assert.equal(found(posix(["/bin/bash", "/usr/bin/bash"])).file, "/bin/bash");
    assert.equal(found(posix(["/usr/bin/bash", "/opt/bin/bash"], { PATH: "/opt/bin" })).file, "/usr/bin/bash");
    assert.equal(found(posix(["/opt/homebrew/bin/bash", "bin/bash"], { PATH: "bin::/opt/homebrew/bin" })).file, "/opt/homebrew/bin/bash");
  });

  it("POSIX: no bash means a clear refusal, not /bin/sh", () => {
    const choice = posix(["/bin/sh", "ws/bash"], { PATH: "ws:." });
    assert.ok("error" in choice);
    assert.match(choice.error, /run_command needs bash/);
  });

  it("POSIX: bash --noprofile --norc -c -- LINE", () => {
    assert.deepEqual(found(posix(["/bin/bash"])).args("ls -la"), ["--noprofile", "--norc", "-c", "--", "ls -la"]);
  });

  it("drops what bash acts on at start-up, exported functions, and relative or empty PATH entries", () => {
    const shell = found(posix(["/bin/bash"]));
    const env = shell.env(
      {
        PATH: ":.:bin:/usr/bin::/bin",
        HOME: "/home/u",
        BASH_ENV: "/tmp/x",
        ENV: "/tmp/x",
        SHELLOPTS: "xtrace",
        BASHOPTS: "extglob",
        POSIXLY_CORRECT: "1",
        BASH_COMPAT: "31",
        PS4: "$(x)",
        BASH_XTRACEFD: "3",
        EXECIGNORE: "*",
        GLOBIGNORE: "*",
        IFS: "x",
        "BASH_FUNC_ls%%": "() { x; }",
        [COMMAND_LINE_VARIABLE]: "curl x",
      },
      "ls",
    );
    assert.deepEqual(env, { PATH: "/usr/bin:/bin", HOME: "/home/u" });
  });

  it("Windows: Git for Windows' bash.exe, never cmd.exe or WSL's System32 bash", () => {
    const env = { ProgramFiles: "C:\\Program Files", SystemRoot: "C:\\Windows", Path: "C:\\Windows\\System32;C:\\Users\\u\\AppData\\Local\\Microsoft\\WindowsApps" };
    assert.equal(found(windows(["C:\\Program Files\\Git\\bin\\bash.exe"], env)).file, "C:\\Program Files\\Git\\bin\\bash.exe");
    const refused = windows(["C:\\Windows\\System32\\bash.exe", "C:\\Users\\u\\AppData\\Local\\Microsoft\\WindowsApps\\bash.exe", "C:\\Windows\\System32\\cmd.exe"], env);
    assert.ok("error" in refused);
    assert.match(refused.error, /Git for Windows/);
  });

  it("Windows: bash.exe next to git.exe on PATH (a portable Git)", () => {
    const env = { Path: "D:\\PortableGit\\cmd;C:\\Windows" };
    assert.equal(found(windows(["D:\\PortableGit\\cmd\\git.exe", "D:\\PortableGit\\bin\\bash.exe"], env)).file, "D:\\PortableGit\\bin\\bash.exe");
  });

  it("Windows: the line travels in the environment, -c is a fixed script (MSYS re-parses its command line)", () => {
    const shell = found(windows(["C:\\Program Files\\Git\\bin\\bash.exe"], { ProgramFiles: "C:\\Program Files" }));
    const line = `ls "a b" *.md @file 'x'`;
    assert.deepEqual(shell.args(line), ["--noprofile", "--norc", "-c", "--", `eval "$${COMMAND_LINE_VARIABLE}"`]);
    assert.equal(shell.env({ Path: "C:\\Windows;rel" }, line)[COMMAND_LINE_VARIABLE], line);
    assert.equal(shell.env({ Path: "C:\\Windows;rel" }, line).Path, "C:\\Windows");
  });

  it("this machine: the chosen shell is bash and runs a line exactly as written", function () {
    const choice = commandShell();
    if ("error" in choice) {
      console.log(`    skipped: ${choice.error}`);
      this.skip();
    }
    const line = `printf '%s|' "$BASH_VERSION" a\\ b $'c\\td' "e'f"`;
    const output = execFileSync(choice.file, choice.args(line), { env: choice.env({ PATH: process.env.PATH }, line), encoding: "utf8" });
    assert.match(output, /^\d+\.\d+[^|]*\|a b\|c\td\|e'f\|$/);
  });
});
