// One renderer per transcript entry kind; the compiler checks that every kind has one.
import type { TranscriptEntry } from "../webview-protocol";
import { renderAgentApproval } from "./render-agent-approval";
import { renderAgentRun } from "./render-agent-run";
import { renderAgentStep } from "./render-agent-step";
import { renderAgentUndo } from "./render-agent-undo";
import { renderAssistant } from "./render-assistant";
import type { CodeBlockHandler } from "./render-markdown";
import { renderCompaction, renderNotice } from "./render-notice";
import { renderUser } from "./render-user";

type Renderers = { [K in TranscriptEntry["kind"]]: (entry: Extract<TranscriptEntry, { kind: K }>, onCode: CodeBlockHandler) => HTMLElement };

const renderers: Renderers = {
  user: renderUser,
  assistant: renderAssistant,
  compaction: renderCompaction,
  notice: renderNotice,
  "agent-run": renderAgentRun,
  "agent-step": renderAgentStep,
  "agent-approval": renderAgentApproval,
  "agent-undo": renderAgentUndo,
};

export function renderEntry(entry: TranscriptEntry, onCode: CodeBlockHandler): HTMLElement {
  const element = (renderers[entry.kind] as (e: TranscriptEntry, h: CodeBlockHandler) => HTMLElement)(entry, onCode);
  element.dataset.entry = entry.id;
  return element;
}
