// Turns a stored conversation into transcript entries (messages plus compaction markers).
import type { Conversation } from "../../../server/src/protocol";
import type { TranscriptEntry } from "./webview-protocol";

export function transcriptOf(conversation: Conversation): TranscriptEntry[] {
  const entries: TranscriptEntry[] = conversation.warnings.map((text, i) => ({ kind: "notice", id: `warning-${i}`, level: "warning", text }));
  for (const message of conversation.messages) {
    if (message.role === "user") {
      entries.push({ kind: "user", id: message.id, text: message.text, chips: message.attachments ?? [], rules: message.rules ?? [], leftOut: message.leftOut ?? [] });
    } else {
      const state = message.interrupted ? "interrupted" : message.stopReason === "cancelled" ? "stopped" : "done";
      entries.push({ kind: "assistant", id: message.id, text: message.text, state });
    }
    for (const summary of conversation.summaries.filter((s) => s.coversUpTo === message.id)) {
      entries.push({ kind: "compaction", id: `compaction-${message.id}`, turns: summary.turns });
    }
  }
  return entries;
}
