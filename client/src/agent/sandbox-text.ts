// How the UI says whether agent commands are sandboxed: one short label and one sentence, shared by
// the status bar (extension host) and the approval cards (webview), so both say the same thing.
import type { CommandSandboxInfo } from "../../../server/src/protocol";
import { formatMessage, type WebviewString } from "../chat/webview-strings";

/** Puts a listed string into the display language (the webview's t(), or the host's bundle lookup). */
export type Translate = (english: WebviewString, ...args: (string | number)[]) => string;

const english: Translate = (text, ...args) => formatMessage(text, args);

export interface SandboxText {
  /** A few words: "Sandboxed (bubblewrap), no network". */
  label: string;
  /** One sentence on what that means. */
  detail: string;
  /** Whether commands are confined. */
  confined: boolean;
}

export function sandboxText(info: CommandSandboxInfo, network = false, t: Translate = english): SandboxText {
  if (info.kind === "none") {
    const reason = info.reason ?? t("No sandbox is available");
    return {
      label: info.required ? t("Not sandboxed: commands are refused") : t("Not sandboxed"),
      detail: info.required ? t('{0}. Commands are refused (pincer.agent.sandbox is "required").', reason) : t("{0}. Only the command rules decide what a command may do.", reason),
      confined: false,
    };
  }
  return {
    label: network ? t("Sandboxed ({0}), with network access", info.kind) : t("Sandboxed ({0}), no network", info.kind),
    detail: network
      ? t("The command can write only in the workspace (not in .git, .vscode, .pincer or *.code-workspace); HOME and /tmp are private; approving gives it network access.")
      : t("The command can write only in the workspace (not in .git, .vscode, .pincer or *.code-workspace); HOME and /tmp are private; it cannot reach the network."),
    confined: true,
  };
}
