// The texts a chat turn is built from. Rules, attachments (files, selections, OCR text of images and
// PDFs), the typed message and the history reach the model with invisible characters shown as
// <U+XXXX> escapes (platform/invisible-unicode.ts), so nothing in them is hidden from the person.
import { revealInvisible } from "../platform/invisible-unicode";
import type { ChatAttachment } from "../protocol/chat";
import type { RuleFile } from "./rules";

/** Text as the model may see it: invisible characters escaped. */
export function visibleText(text: string): string {
  return revealInvisible(text);
}

export function ruleText(rule: RuleFile): string {
  return `Instructions from the workspace file ${revealInvisible(rule.path)}:\n${revealInvisible(rule.text)}`;
}

export function attachmentText(attachment: ChatAttachment): string {
  return `Context (${attachment.kind}: ${revealInvisible(attachment.label)}):\n\`\`\`\n${revealInvisible(attachment.text)}\n\`\`\``;
}

export function summaryText(text: string): string {
  return `Summary of the earlier conversation:\n${revealInvisible(text)}`;
}
