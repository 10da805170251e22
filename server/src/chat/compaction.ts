// Long conversations: the oldest turns that no longer fit are replaced by a summary the model
// writes. The summary is stored with the message it covers up to, so the UI can show a marker.
import type { ChatModel } from "./chat-model";
import { revealInvisible } from "../platform/invisible-unicode";
import type { StoredChatMessage } from "../protocol/chat";

const SUMMARY_INSTRUCTION =
  "Summarize the conversation below for your own later reference in at most 150 words. Keep decisions, file names, identifiers and open questions.";
export const SUMMARY_MAX_TOKENS = 200;

export async function summarizeTurns(
  model: ChatModel,
  previousSummary: string | undefined,
  turns: readonly StoredChatMessage[],
  signal: AbortSignal,
): Promise<string> {
  const transcript = [
    ...(previousSummary ? [`Earlier summary: ${previousSummary}`] : []),
    ...turns.map((m) => `${m.role === "user" ? "User" : "Assistant"}: ${revealInvisible(m.text)}`),
  ].join("\n\n");
  // The summary request must fit itself: keep the newest part of the transcript.
  const room = Math.max(64, model.contextSize - SUMMARY_MAX_TOKENS - 128);
  const fitted = model.keepLastTokens(transcript, room);
  const result = await model.chatTurns(
    [
      { role: "system", text: SUMMARY_INSTRUCTION },
      { role: "user", text: fitted },
    ],
    { maxTokens: SUMMARY_MAX_TOKENS, signal },
  );
  return result.text.trim();
}
