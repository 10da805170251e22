import assert from "node:assert/strict";
import type { EngineMemoryReport } from "../protocol";
import { memoryReportLines } from "./memory-report-lines";
import { messagesFor } from "./messages";

const MB = 2 ** 20;
const REPORT: EngineMemoryReport = {
  modelExpectedBytes: 400 * MB,
  modelMeasuredBytes: 380 * MB,
  modelFileBytes: 390 * MB,
  processRssBytes: 900 * MB,
  contexts: [
    { feature: "completion", contextSize: 1024, sequences: 2, kvCacheType: "f16", live: true, expectedBytes: 64 * MB, measuredBytes: 60 * MB },
    { feature: "chat", contextSize: 4096, sequences: 1, kvCacheType: "q8_0", live: false, expectedBytes: 128 * MB },
    { feature: "agent", contextSize: 4096, sequences: 1, kvCacheType: "f16", live: false, expectedBytes: 128 * MB, measuredBytes: 120 * MB },
  ],
};

describe("the memory report's lines", () => {
  it("reads the same in English as before the catalogue (pincer doctor quotes it)", () => {
    assert.deepEqual(memoryReportLines(REPORT, messagesFor("en")), [
      "Memory: 900 MB resident now",
      "  model: expected 400 MB, measured 380 MB",
      "  completion window (2 × 1024 tokens, f16 KV cache): expected 64 MB, measured 60 MB",
      "  chat window (4096 tokens, q8_0 KV cache): expected 128 MB, not created yet",
      "  agent window (4096 tokens, f16 KV cache): expected 128 MB, released while idle",
    ]);
  });

  it("is in Simplified Chinese for a zh-cn client, the numbers unchanged", () => {
    assert.deepEqual(memoryReportLines(REPORT, messagesFor("zh-cn")), [
      "内存：当前常驻 900 MB",
      "  模型：预计 400 MB，实测 380 MB",
      "  补全窗口（2 × 1024 个 token，f16 KV 缓存）：预计 64 MB，实测 60 MB",
      "  聊天窗口（4096 个 token，q8_0 KV 缓存）：预计 128 MB，尚未创建",
      "  智能体窗口（4096 个 token，f16 KV 缓存）：预计 128 MB，空闲时已释放",
    ]);
  });
});
