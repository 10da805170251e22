// The recommendation itself: the catalog judged against this machine. Pure (facts in, list out), so the
// rules are tested with made-up machines; recommendations.ts gathers the facts.
import { formatBytes } from "../engine/model-check";
import { isMessageId, messagesFor, type Messages } from "../platform/messages";
import type { LocalModel, MachineFacts, ModelFit, RecommendedModel } from "../protocol";
import { CATALOG, expectedMemoryBytes, type CatalogEntry } from "./catalog";
import { estimateTokensPerSecond, type SpeedBasis } from "./speed-estimate";

/** Share of the RAM a model may take at most: the rest is the system's, VS Code's and the language servers'. */
export const RAM_SHARE = 0.75;
/** Slowest generation that still feels like a conversation; a chat model below it is not the recommended one. */
export const MIN_COMFORTABLE_TOKENS_PER_SECOND = 8;

export interface RecommendInput {
  machine: MachineFacts;
  /** Speed basis per place a model can run; absent: no estimate there. */
  speed: { gpu?: SpeedBasis; cpu?: SpeedBasis };
  local: LocalModel[];
  catalog?: readonly CatalogEntry[];
  /** The fit reasons' and purposes' language (default: English). */
  messages?: Messages;
}

export function recommendModels(input: RecommendInput): RecommendedModel[] {
  const { machine, speed, local } = input;
  const models = (input.catalog ?? CATALOG).map((entry): RecommendedModel => {
    const memory = expectedMemoryBytes(entry);
    const { fit, reason } = judgeFit(memory, machine, input.messages);
    const basis = fit === "gpu" ? speed.gpu : fit === "too-large" ? undefined : speed.cpu;
    const downloaded = local.find((m) => `${m.name}.gguf`.toLowerCase() === fileName(entry.uri).toLowerCase());
    return {
      id: entry.id,
      label: entry.label,
      role: entry.role,
      uri: entry.uri,
      purpose: purposeText(entry, input.messages),
      sizeBytes: entry.sizeBytes,
      ...(entry.sha256 ? { sha256: entry.sha256 } : {}),
      expectedMemoryBytes: memory,
      fit,
      fitReason: reason,
      ...(basis && entry.role !== "embedding" ? { tokensPerSecond: round1(estimateTokensPerSecond(basis, entry.sizeBytes)), speedSource: basis.source } : {}),
      recommended: false,
      ...(downloaded ? { downloadedPath: downloaded.path } : {}),
    };
  });
  markRecommended(models.filter((m) => m.role === "model"));
  markRecommended(models.filter((m) => m.role === "embedding"));
  // A separate completion model is worth its memory only beside a chat model much larger than it.
  const chat = models.find((m) => m.role === "model" && m.recommended);
  if (chat && chat.sizeBytes >= 3 * (models.find((m) => m.role === "completion")?.sizeBytes ?? Infinity)) markRecommended(models.filter((m) => m.role === "completion"));
  return models;
}

/** The entry's purpose in the messages' language (an entry the catalogue does not know keeps its own). */
function purposeText(entry: CatalogEntry, messages: Messages | undefined): string {
  const id = `purpose.${entry.id}`;
  return messages && isMessageId(id) ? messages(id) : entry.purpose;
}

export function judgeFit(memory: number, machine: MachineFacts, messages: Messages = messagesFor("en")): { fit: ModelFit; reason: string } {
  const needs = messages("fit.needs", formatBytes(memory));
  if (machine.vramFreeBytes !== undefined && memory <= machine.vramFreeBytes) {
    return { fit: "gpu", reason: messages("fit.gpu", needs, formatBytes(machine.vramFreeBytes), machine.backend) };
  }
  const budget = machine.ramTotalBytes * RAM_SHARE;
  if (memory > budget) {
    return { fit: "too-large", reason: messages("fit.tooLarge", needs, Math.round(RAM_SHARE * 100), formatBytes(machine.ramTotalBytes)) };
  }
  if (memory > machine.ramFreeBytes) {
    return { fit: "tight", reason: messages("fit.tight", needs, formatBytes(machine.ramFreeBytes)) };
  }
  return { fit: "cpu", reason: messages("fit.cpu", needs, formatBytes(machine.ramFreeBytes)) };
}

/**
 * The largest model that fits and is fast enough to talk to; when none is fast enough (or speed is
 * unknown), the smallest that fits, which is the one most likely to be usable.
 */
function markRecommended(models: RecommendedModel[]): void {
  const fitting = models.filter((m) => m.fit === "gpu" || m.fit === "cpu").sort((a, b) => a.sizeBytes - b.sizeBytes);
  const comfortable = fitting.filter((m) => m.role !== "model" || (m.tokensPerSecond ?? 0) >= MIN_COMFORTABLE_TOKENS_PER_SECOND);
  const pick = comfortable.at(-1) ?? fitting[0];
  if (pick) pick.recommended = true;
}

function fileName(uri: string): string {
  return uri.split("#")[0]!.split("/").at(-1) ?? uri;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
