// What the approval card shows, in the person's language. The gate's summary and reasons stay English
// (the model reads them in observations, the transcript and logs keep them); the LSP host adds this
// display text to the request it sends, and the card shows it. A reason the catalogue does not know
// (one with a parser's or the OS's own words) is shown as it is.
import { isMessageId, translateNote, type MessageId, type Messages } from "../platform/messages";
import type { ApprovalRequest, ApprovalShown } from "../protocol";

/** The permission reasons the catalogue has; the more specific template first (translateNote takes the first match). */
const PERMISSION_REASONS = [
  "permission.mcpSetting",
  "permission.setting",
  "permission.profile",
  "permission.sendAlwaysAsks",
  "permission.messageInvisible",
  "permission.protectedVia",
  "permission.protected",
  "permission.remembered",
  "permission.namesProtected",
  "permission.network",
  "permission.notAllowedXargs",
  "permission.notAllowed",
  "permission.dynamic",
  "permission.noCommandName",
  "permission.askRule",
  "permission.redirectUnchecked",
  "permission.writesTo",
  "permission.sets",
  "permission.cannotAnalyse",
  "permission.invalidRules",
] as const satisfies readonly MessageId[];

/** A template that is a narrower case of another: both match its reasons, and the narrower one is meant. */
const NARROWER: Readonly<Partial<Record<MessageId, MessageId>>> = {
  "permission.mcpSetting": "permission.setting",
  "permission.protectedVia": "permission.protected",
  "permission.notAllowedXargs": "permission.notAllowed",
};
/** Longer reasons are shown as they are (the matching is a regular expression per template). */
const MAX_TRANSLATED = 1000;

export function approvalShown(request: ApprovalRequest, messages: Messages): ApprovalShown {
  return { summary: summaryShown(request, messages), reasons: request.reasons.map((reason) => reasonShown(reason, messages)) };
}

/**
 * A reason carries text the model chose (a path, a command), which can make it fit two templates, e.g. a
 * file named `x: matches ask rule "y` in a "writes to" reason. Translated by the wrong template the card
 * would show another kind of reason; so a reason that fits more than one kind is shown in English.
 */
function reasonShown(reason: string, messages: Messages): string {
  if (reason.length > MAX_TRANSLATED) return reason;
  const fits = PERMISSION_REASONS.filter((id) => translateNote(reason, [id], messages) !== reason);
  const kinds = fits.filter((id) => !fits.some((other) => NARROWER[other] === id));
  return kinds.length === 1 ? translateNote(reason, kinds, messages) : reason;
}

function summaryShown(request: ApprovalRequest, messages: Messages): string {
  if (request.mcp) return request.summary;
  if (request.command !== undefined) return translateNote(request.summary, ["approval.run"], messages);
  const id = `approval.tool.${request.tool}`;
  if (!isMessageId(id)) return request.summary;
  // summarize(): "<verb>" or "<verb>: <paths>", the verb being the tool's name with spaces.
  const verb = request.tool.replace(/_/g, " ");
  if (request.summary === verb) return messages(id);
  return request.summary.startsWith(`${verb}: `) ? messages("approval.toolWithPaths", messages(id), request.summary.slice(verb.length + 2)) : request.summary;
}
