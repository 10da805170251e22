// The macOS sandbox: `sandbox-exec -p <profile>` (Seatbelt). Written to mirror the bubblewrap one;
// it cannot be run on the Linux machines the tests use, so it is kept small and every rule has a
// reason here. In Seatbelt's profile language the last matching rule wins, so the order is: allow
// everything, then deny network, writes and HOME reads, then allow back the workspace, the
// command's temp folder and PATH tools, then deny the protected names again. Rules match paths, so
// the protected names are denied whether or not they exist yet. There is no private /tmp: the
// command gets its own TMPDIR (the only writable place besides the workspace) and /tmp is not
// writable; there is no pid namespace either, so the command supervisor ends its processes.
export interface SandboxExecPlan {
  /** The workspace folders (real paths): writable. */
  roots: readonly string[];
  /** Real targets of protected names that are symlinks into a root (Seatbelt checks resolved paths). */
  readOnly: readonly string[];
  /** The command's own temp folder (TMPDIR): writable. */
  tempDir: string;
  home?: string;
  /** Folders under HOME that stay readable (the PATH's tools). */
  homeReadable: readonly string[];
  network: boolean;
}

/** A Seatbelt string literal. */
function literal(text: string): string {
  if (/[\u0000-\u001f]/.test(text)) throw new Error(`cannot express ${JSON.stringify(text)} in a sandbox profile`);
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export function sandboxExecProfile(plan: SandboxExecPlan): string {
  const lines = ["(version 1)", "(allow default)"];
  // Network: none (TCP, UDP, and Unix sockets such as ssh-agent's) unless approved for this command.
  if (!plan.network) lines.push("(deny network*)");
  // Writes: the workspace, the command's temp folder and the terminal devices only.
  lines.push(
    "(deny file-write*)",
    `(allow file-write* ${[...plan.roots, plan.tempDir].map((folder) => `(subpath ${literal(folder)})`).join(" ")} (literal "/dev/null") (literal "/dev/zero") (literal "/dev/dtracehelper") (regex #"^/dev/tty") (regex #"^/dev/fd/"))`,
  );
  // HOME unreadable (keys, tokens, browser profiles) except what the command needs from it.
  if (plan.home && plan.home !== "/") {
    const readable = [...plan.roots, plan.tempDir, ...plan.homeReadable].map((folder) => `(subpath ${literal(folder)})`);
    lines.push(`(deny file-read* (subpath ${literal(plan.home)}))`, `(allow file-read* (literal ${literal(plan.home)}) ${readable.join(" ")})`);
  }
  // Protected names anywhere, existing or not, and the real targets of protected symlinks.
  lines.push('(deny file-write* (regex #"/\\.(git|vscode|pincer)(/|$)") (regex #"\\.code-workspace$"))');
  if (plan.readOnly.length > 0) lines.push(`(deny file-write* ${plan.readOnly.map((entry) => `(subpath ${literal(entry)})`).join(" ")})`);
  return `${lines.join("\n")}\n`;
}
