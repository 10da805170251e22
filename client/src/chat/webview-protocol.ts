// Every message between the chat webview and the extension, typed once and imported by both sides.
// The transcript is a list of entries; each entry kind has its own renderer in webview/render-*.ts,
// so new kinds (agent plans, approval cards, per-edit diffs, terminal links) slot in beside these.
import type { AttachmentKind, ContextReport } from "../../../server/src/protocol";
import type { AgentAction, AgentEntry } from "../agent/agent-entries";

export interface UserEntry {
  kind: "user";
  id: string;
  text: string;
  chips: { kind: AttachmentKind; label: string }[];
  rules: string[];
  leftOut: string[];
}

export interface AssistantEntry {
  kind: "assistant";
  id: string;
  text: string;
  state: "streaming" | "done" | "stopped" | "interrupted" | "error";
  error?: string;
}

/** Where older turns were replaced by a summary to fit the window. */
export interface CompactionEntry {
  kind: "compaction";
  id: string;
  turns: number;
}

export interface NoticeEntry {
  kind: "notice";
  id: string;
  level: "info" | "warning" | "error";
  text: string;
}

export type TranscriptEntry = UserEntry | AssistantEntry | CompactionEntry | NoticeEntry | AgentEntry;

export interface ChipView {
  id: string;
  kind: AttachmentKind;
  label: string;
  /** The active editor's file or selection: offered, added with a click. */
  suggested: boolean;
}

export type ToWebview =
  | { type: "reset"; title: string; entries: TranscriptEntry[] }
  | { type: "append"; entry: TranscriptEntry }
  | { type: "update"; entry: TranscriptEntry }
  | { type: "chunk"; entryId: string; text: string }
  | { type: "chips"; chips: ChipView[] }
  | { type: "context"; report: ContextReport | undefined; unavailable?: string }
  | { type: "busy"; busy: boolean }
  | { type: "prompt"; text: string }
  | { type: "focus" }
  // Voice input: the dictation's phase and level for the mic button, and a transcript to add to the prompt.
  | { type: "voice"; phase: "idle" | "loading" | "recording" | "transcribing"; level: number }
  | { type: "insert-prompt"; text: string };

export type CodeAction = "copy" | "insert" | "apply";

export type FromWebview =
  | { type: "ready" }
  /** `agent`: run the prompt as an agent task (the composer's Agent toggle or a leading /agent). */
  | { type: "send"; prompt: string; agent?: boolean }
  | { type: "stop" }
  | { type: "draft"; prompt: string }
  | { type: "pick-context" }
  | { type: "add-chip"; id: string }
  | { type: "remove-chip"; id: string }
  | { type: "code"; action: CodeAction; code: string; language: string }
  | { type: "agent"; action: AgentAction; runId: string; step?: number }
  | { type: "dictate" };

