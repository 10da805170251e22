// The memory report in a few lines for the person: the status bar's tooltip (in the client's display
// language) and `pincer doctor` (English, like the rest of its report). Expected (node-llama-cpp's
// estimate) and measured (resident memory growth) per part.
import type { ContextMemory, EngineMemoryReport } from "../protocol";
import type { MessageId, Messages } from "./messages";

const FEATURE: Record<ContextMemory["feature"], MessageId> = {
  completion: "memory.feature.completion",
  chat: "memory.feature.chat",
  agent: "memory.feature.agent",
  nextEdit: "memory.feature.nextEdit",
};

export function memoryReportLines(report: EngineMemoryReport, messages: Messages): string[] {
  const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
  const lines = [messages("memory.resident", mb(report.processRssBytes)), `  ${messages("memory.model", mb(report.modelExpectedBytes), mb(report.modelMeasuredBytes))}`];
  for (const c of report.contexts) {
    const shape = c.sequences > 1 ? messages("memory.shapeSequences", c.sequences, c.contextSize, c.kvCacheType) : messages("memory.shape", c.contextSize, c.kvCacheType);
    const state = c.live
      ? messages("memory.measured", c.measuredBytes === undefined ? "?" : mb(c.measuredBytes))
      : messages(c.measuredBytes === undefined ? "memory.notCreated" : "memory.released");
    lines.push(`  ${messages("memory.window", messages(FEATURE[c.feature]), shape, mb(c.expectedBytes), state)}`);
  }
  return lines;
}
