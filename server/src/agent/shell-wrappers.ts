// Commands that run other commands: wrappers (sudo, env, timeout, xargs, find -exec, ...) and
// shells or builtins that run strings as code (bash -c, eval, trap, ...). Used by shell-parse.ts.

export function basename(name: string): string {
  const slash = name.lastIndexOf("/");
  return slash >= 0 ? name.slice(slash + 1) : name;
}

/** Builtins that run code we cannot see (strings, files): never allowed. */
export const EVAL_LIKE = new Set(["eval", "source", ".", "trap", "alias", "enable", "fc", "coproc"]);

const SHELLS = new Set(["sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "fish", "rbash"]);

/** The string a command runs as shell code (and which argv words make it up), if it is one of those that do. */
export function scriptArgument(name: string, argv: string[]): { text: string; indices: number[]; via: string } | undefined {
  const at = (i: number, via: string) => (i < argv.length ? { text: argv[i]!, indices: [i], via } : undefined);
  const joined = (from: number, via: string) => (from < argv.length ? { text: argv.slice(from).join(" "), indices: range(from, argv.length), via } : undefined);
  if (SHELLS.has(name)) {
    let hasC = false;
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === "--" || a === "-") return hasC ? at(i + 1, `${name} -c`) : undefined;
      if (/^[-+]/.test(a)) {
        if (/^--(rcfile|init-file)$/.test(a) || /^[-+][oO]$/.test(a)) i++;
        else if (!a.startsWith("--") && a.slice(1).includes("c")) hasC = true;
        continue;
      }
      return hasC ? at(i, `${name} -c`) : undefined;
    }
    return undefined;
  }
  switch (name) {
    case "eval":
      return joined(1, "eval");
    case "trap": {
      // trap [-lp] [action] [signal...]: the action is a script.
      const action = argv.findIndex((a, i) => i > 0 && !a.startsWith("-"));
      return action > 0 && action < argv.length - 1 ? at(action, "trap") : undefined;
    }
    case "watch": {
      let i = 1;
      while (i < argv.length && argv[i]!.startsWith("-")) i += /^-(n|d|-interval)$/.test(argv[i]!) ? 2 : 1;
      return joined(i, "watch");
    }
    case "su":
    case "runuser": {
      for (let i = 1; i < argv.length; i++) {
        const a = argv[i]!;
        if (a === "-c" || a === "--command") return at(i + 1, `${name} -c`);
        if (a.startsWith("--command=")) return { text: a.slice("--command=".length), indices: [i], via: `${name} -c` };
      }
      return undefined;
    }
    case "env": {
      for (let i = 1; i < argv.length; i++) {
        const a = argv[i]!;
        if (a === "-S" || a === "--split-string") return at(i + 1, "env -S");
        if (a.startsWith("--split-string=")) return { text: a.slice("--split-string=".length), indices: [i], via: "env -S" };
        if (/^-[^-]*S./.test(a)) return { text: a.slice(a.indexOf("S") + 1), indices: [i], via: "env -S" };
        if (!a.startsWith("-")) break;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);
}

interface WrapperSpec {
  /** Options that take the next argument as their value (unless written --opt=value or -oVALUE). */
  valueOptions: readonly string[];
  /** Positional arguments before the command (timeout's duration). */
  positional?: number;
  /** Accepts NAME=value before the command (env). */
  assignments?: boolean;
  extraArgs?: boolean;
}

const WRAPPERS: Readonly<Record<string, WrapperSpec>> = {
  sudo: { valueOptions: ["-u", "-g", "-p", "-C", "-D", "-r", "-t", "-T", "-U", "-R", "--user", "--group", "--prompt", "--close-from", "--chdir", "--role", "--type", "--command-timeout", "--other-user", "--chroot"], assignments: true },
  doas: { valueOptions: ["-u", "-C"] },
  env: { valueOptions: ["-u", "--unset", "-C", "--chdir", "-S", "--split-string"], assignments: true },
  nohup: { valueOptions: [] },
  nice: { valueOptions: ["-n", "--adjustment"] },
  timeout: { valueOptions: ["-s", "--signal", "-k", "--kill-after"], positional: 1 },
  time: { valueOptions: ["-f", "--format", "-o", "--output"] },
  command: { valueOptions: [] },
  builtin: { valueOptions: [] },
  exec: { valueOptions: ["-a"] },
  stdbuf: { valueOptions: ["-i", "-o", "-e", "--input", "--output", "--error"] },
  ionice: { valueOptions: ["-c", "-n", "-p", "-P", "-u", "--class", "--classdata", "--pid", "--pgid", "--uid"] },
  chrt: { valueOptions: ["-T", "-P", "-D", "--sched-runtime", "--sched-period", "--sched-deadline"], positional: 1 },
  taskset: { valueOptions: [], positional: 1 },
  setsid: { valueOptions: [] },
  unbuffer: { valueOptions: [] },
  busybox: { valueOptions: [] },
  coproc: { valueOptions: [] },
  caffeinate: { valueOptions: ["-t", "-w"] },
  xargs: {
    valueOptions: ["-I", "-n", "-P", "-L", "-s", "-d", "-E", "-a", "--arg-file", "--delimiter", "--max-args", "--max-procs", "--max-lines", "--max-chars", "--eof", "--process-slot-var"],
    extraArgs: true,
  },
};

/** The argv words [from, to) that a wrapper runs as a command of their own. */
export function wrapped(name: string, argv: string[]): { from: number; to?: number; assignments: string[]; via: string; extraArgs?: boolean } | undefined {
  if (name === "find") {
    const exec = argv.findIndex((a, i) => i > 0 && /^-(exec|execdir|ok|okdir)$/.test(a));
    if (exec < 0 || exec + 1 >= argv.length) return undefined;
    const end = argv.findIndex((a, i) => i > exec && (a === ";" || a === "+"));
    return end === exec + 1 ? undefined : { from: exec + 1, to: end < 0 ? argv.length : end, assignments: [], via: "find -exec" };
  }
  const spec = Object.hasOwn(WRAPPERS, name) ? WRAPPERS[name] : undefined;
  if (!spec) return undefined;
  const assignments: string[] = [];
  let i = 1;
  while (i < argv.length) {
    const a = argv[i]!;
    if (a === "--") {
      i++;
      break;
    }
    if (a.startsWith("-") && a.length > 1) {
      i += spec.valueOptions.includes(a) ? 2 : 1;
      continue;
    }
    if (spec.assignments && /^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) {
      assignments.push(a);
      i++;
      continue;
    }
    break;
  }
  i += spec.positional ?? 0;
  if (i >= argv.length) return undefined;
  return { from: i, assignments, via: name, ...(spec.extraArgs ? { extraArgs: true } : {}) };
}
