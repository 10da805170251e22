// How the UI says whether agent commands are sandboxed: one short label and one sentence, shared by
// the status bar (extension host) and the approval cards (webview), so both say the same thing.
import type { CommandSandboxInfo } from "../../../server/src/protocol";

export interface SandboxText {
  /** A few words: "Sandboxed (bubblewrap), no network". */
  label: string;
  /** One sentence on what that means. */
  detail: string;
  /** Whether commands are confined. */
  confined: boolean;
}

export function sandboxText(info: CommandSandboxInfo, network = false): SandboxText {
  if (info.kind === "none") {
    return {
      label: info.required ? "Not sandboxed: commands are refused" : "Not sandboxed",
      detail: `${info.reason ?? "No sandbox is available"}. ${info.required ? 'Commands are refused (pincer.agent.sandbox is "required").' : "Only the command rules decide what a command may do."}`,
      confined: false,
    };
  }
  return {
    label: `Sandboxed (${info.kind}), ${network ? "with network access" : "no network"}`,
    detail: `The command can write only in the workspace (not in .git, .vscode, .pincer or *.code-workspace); HOME and /tmp are private${network ? "; approving gives it network access" : "; it cannot reach the network"}.`,
    confined: true,
  };
}
