// The Linux sandbox: bubblewrap (bwrap) with unprivileged user namespaces. What a command sees:
//  - the whole system read-only (`--ro-bind / /`), a fresh /dev and /proc (its own pid namespace);
//  - a private, empty /tmp and /run (no user sockets: ssh-agent, D-Bus, docker), HOME an empty
//    tmpfs; PATH folders under HOME (nvm, fnm, …) read-only, so installed tools still run;
//  - the workspace folders writable, except `.git`, `.vscode`, `.pincer` and `*.code-workspace`
//    (protected-entries.ts), bound read-only over themselves;
//  - no network (a new network namespace: no interfaces but loopback, no abstract sockets of the
//    host) unless this command was approved with network access;
//  - no capabilities, no further user namespaces, a new session (no TIOCSTI into a terminal);
//  - `--die-with-parent`: bwrap and with it the whole pid namespace (every process the command
//    started, `setsid` ones too) is killed when the server dies, however it dies.
import path from "node:path";

export interface BubblewrapPlan {
  /** The workspace folders (real paths): writable. */
  roots: readonly string[];
  /** Paths inside the roots bound read-only over themselves (protected entries). */
  readOnly: readonly string[];
  /** Hidden behind an empty tmpfs (unset or "/": nothing is hidden). */
  home?: string;
  /** Folders under HOME shown read-only (the PATH's tool folders). */
  homeReadable: readonly string[];
  cwd: string;
  network: boolean;
  /** bubblewrap ≥ 0.8 has --disable-userns. */
  disableUserns: boolean;
  /** Folder holding /etc/resolv.conf's target when it lies under /run (systemd-resolved); shown with network only. */
  resolvConfDir?: string;
}

/** The bwrap arguments before `--` and the command. Order matters: later mounts cover earlier ones. */
export function bubblewrapArgs(plan: BubblewrapPlan): string[] {
  const args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--tmpfs", "/run"];
  // NixOS keeps its programs behind /run/current-system.
  args.push("--ro-bind-try", "/run/current-system", "/run/current-system");
  if (plan.network && plan.resolvConfDir) args.push("--ro-bind-try", plan.resolvConfDir, plan.resolvConfDir);
  if (plan.home && path.isAbsolute(plan.home) && plan.home !== path.parse(plan.home).root) {
    args.push("--tmpfs", plan.home);
    for (const folder of plan.homeReadable) args.push("--ro-bind-try", folder, folder);
  }
  // Parents before children, so a nested workspace folder is not covered by its parent's mount.
  for (const root of [...plan.roots].sort((a, b) => a.length - b.length)) args.push("--bind", root, root);
  for (const entry of plan.readOnly) args.push("--ro-bind", entry, entry);
  args.push("--unshare-all");
  if (plan.network) args.push("--share-net");
  if (plan.disableUserns) args.push("--unshare-user", "--disable-userns");
  args.push("--cap-drop", "ALL", "--die-with-parent", "--new-session", "--chdir", plan.cwd);
  return args;
}

/**
 * Folders under HOME that PATH needs. A `bin` folder two or more levels below HOME is shown with
 * its parent (an installation prefix such as ~/.nvm/versions/node/v20: npm links into ../lib);
 * other PATH folders under HOME (~/.local/bin, ~/.cargo/bin) only as themselves.
 */
export function homeToolFolders(home: string | undefined, pathVariable: string | undefined): string[] {
  if (!home || !path.isAbsolute(home) || !pathVariable) return [];
  const folders = new Set<string>();
  for (const entry of pathVariable.split(path.delimiter)) {
    if (!path.isAbsolute(entry)) continue;
    const normal = path.normalize(entry).replace(/[\\/]+$/, "");
    const relative = path.relative(home, normal);
    if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) continue;
    const depth = relative.split(path.sep).length;
    folders.add(path.basename(normal) === "bin" && depth >= 3 ? path.dirname(normal) : normal);
  }
  return [...folders].sort();
}
