import assert from "node:assert/strict";
import type { MachineFacts } from "../protocol";
import { formatBytes } from "../engine/model-check";
import { messagesFor } from "../platform/messages";
import { CATALOG, catalogEntry, expectedMemoryBytes, OVERHEAD_BYTES } from "./catalog";
import { availableRamBytes } from "./machine";
import { parseModelSpec } from "./model-spec";
import { judgeFit, recommendModels } from "./recommend";
import { basisFromCalibrations, basisFromProbe, estimateTokensPerSecond, PROBE_EFFICIENCY } from "./speed-estimate";

const GB = 1e9;
const laptop = (ramGb: number, freeGb: number, extra: Partial<MachineFacts> = {}): MachineFacts => ({
  cpus: 8,
  ramTotalBytes: ramGb * GB,
  ramFreeBytes: freeGb * GB,
  backend: "CPU",
  gpuDevices: [],
  ...extra,
});
const cpuBasis = (gbPerSecond: number) => ({ bytesPerSecond: gbPerSecond * GB, source: "calibration" as const });

describe("recommended models", () => {
  it("pins every catalog entry as a downloadable hf: file on the publisher's repository", () => {
    const ids = new Set<string>();
    for (const entry of CATALOG) {
      const spec = parseModelSpec(entry.uri);
      assert.equal(spec.kind, "remote", entry.uri);
      assert.ok(entry.uri.startsWith("hf:"), entry.uri);
      assert.ok(entry.sizeBytes > 10_000_000, entry.id);
      assert.ok(!ids.has(entry.id), `duplicate id ${entry.id}`);
      ids.add(entry.id);
    }
    assert.ok(CATALOG.some((e) => e.role === "embedding"));
  });

  it("estimates memory as weights + KV cache of every sequence + overhead", () => {
    const entry = catalogEntry("qwen2.5-coder-1.5b")!;
    // 28 layers × 2 KV heads × 128 × 2 (K,V) × 2 bytes = 28 KiB per token; 3 sequences × 8192 tokens.
    assert.equal(entry.kvBytesPerToken, 28_672);
    assert.equal(expectedMemoryBytes(entry), entry.sizeBytes + 28_672 * 8192 * 3 + OVERHEAD_BYTES);
  });

  it("greys out what does not fit, warns when only free memory is short, prefers free VRAM", () => {
    const seven = expectedMemoryBytes(catalogEntry("qwen2.5-coder-7b")!);
    assert.equal(judgeFit(seven, laptop(4, 3)).fit, "too-large");
    assert.match(judgeFit(seven, laptop(4, 3)).reason, /more than 75% of this machine's 4\.0 GB RAM/);
    assert.equal(judgeFit(seven, laptop(16, 2)).fit, "tight");
    assert.equal(judgeFit(seven, laptop(16, 12)).fit, "cpu");
    assert.equal(judgeFit(seven, laptop(16, 12, { backend: "CUDA", vramTotalBytes: 8 * GB, vramFreeBytes: 7.5 * GB })).fit, "gpu");
    // In the client's language when it is Simplified Chinese (the reason follows "it" in the client's message).
    assert.equal(judgeFit(seven, laptop(4, 3), messagesFor("zh-cn")).reason, `需要约 ${formatBytes(seven)}，超过本机 4.0 GB 内存的 75%`);
    assert.match(judgeFit(seven, laptop(16, 2), messagesFor("zh-cn")).reason, /；当前空闲内存仅 2\.0 GB：请先关闭其他程序$/);
    // VRAM too small: falls back to RAM, not refused.
    assert.equal(judgeFit(seven, laptop(16, 12, { backend: "CUDA", vramTotalBytes: 4 * GB, vramFreeBytes: 3 * GB })).fit, "cpu");
  });

  it("says what each model is good for in the client's language (English without messages, and for an entry the catalogue does not know)", () => {
    const zh = recommendModels({ machine: laptop(16, 12), speed: {}, local: [], messages: messagesFor("zh-cn") });
    assert.equal(zh.find((m) => m.id === "qwen2.5-coder-7b")?.purpose, "回答最好：聊天和智能体工作，需要 GPU 或 16 GB 内存的高速 CPU");
    for (const model of zh) assert.match(model.purpose, /\p{Script=Han}/u, model.id);
    const en = recommendModels({ machine: laptop(16, 12), speed: {}, local: [] });
    assert.deepEqual(en.map((m) => m.purpose), CATALOG.map((entry) => entry.purpose));
    const custom = { ...CATALOG[0]!, id: "someone-else", purpose: "their own words" };
    assert.equal(recommendModels({ machine: laptop(16, 12), speed: {}, local: [], catalog: [custom], messages: messagesFor("zh-cn") })[0]?.purpose, "their own words");
  });

  it("recommends the largest chat model that fits and is fast enough, else the smallest that fits", () => {
    const pick = (machine: MachineFacts, gbps: number) =>
      recommendModels({ machine, speed: { cpu: cpuBasis(gbps) }, local: [] }).filter((m) => m.recommended).map((m) => m.id);
    // 16 GB and fast memory: the 7B runs at 40/4.68 ≈ 8.5 tok/s.
    assert.deepEqual(pick(laptop(16, 12), 40), ["qwen2.5-coder-7b", "qwen2.5-coder-0.5b-base", "nomic-embed-text-v1.5"]);
    // Same RAM, slow memory: 7B ≈ 2 tok/s, 1.5B ≈ 8.9 tok/s.
    assert.deepEqual(pick(laptop(16, 12), 10), ["qwen2.5-coder-1.5b", "nomic-embed-text-v1.5"]);
    // Very slow: nothing is comfortable, so the smallest that fits.
    assert.deepEqual(pick(laptop(16, 12), 1), ["qwen2.5-coder-0.5b", "nomic-embed-text-v1.5"]);
    // 2 GB machine: only the 0.5B fits.
    const small = recommendModels({ machine: laptop(2, 1.5), speed: { cpu: cpuBasis(40) }, local: [] });
    assert.deepEqual(small.filter((m) => m.fit === "too-large").map((m) => m.id), ["qwen2.5-coder-1.5b", "qwen2.5-coder-7b"]);
    assert.equal(small.find((m) => m.id === "qwen2.5-coder-7b")!.tokensPerSecond, undefined, "no speed for what does not fit");
  });

  it("estimates tokens/s from the GPU's calibration when the model fits in VRAM, and marks what is downloaded", () => {
    const machine = laptop(16, 12, { backend: "Vulkan", vramTotalBytes: 8 * GB, vramFreeBytes: 7.5 * GB });
    const models = recommendModels({
      machine,
      speed: { cpu: cpuBasis(10), gpu: { bytesPerSecond: 200 * GB, source: "calibration" } },
      local: [{ path: "/m/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", name: "qwen2.5-coder-1.5b-instruct-q4_k_m", sizeBytes: 1 }],
    });
    const seven = models.find((m) => m.id === "qwen2.5-coder-7b")!;
    assert.equal(seven.fit, "gpu");
    assert.equal(seven.tokensPerSecond, Math.round((200 / 4.68) * 10) / 10);
    assert.equal(models.find((m) => m.id === "qwen2.5-coder-1.5b")!.downloadedPath, "/m/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf");
    assert.equal(models.find((m) => m.id === "nomic-embed-text-v1.5")!.tokensPerSecond, undefined);
  });
});

describe("speed estimate", () => {
  const key = (file: string, size: number, backend = "CPU") => `${file}|${size}|1|${backend}|Test CPU|8`;
  const choice = (generation: number) => ({ threads: 4, promptThreads: 4, generationThreads: 4, source: "measured", measurements: [{ threads: 4, tokensPerSecond: 99, promptTokensPerSecond: 200, generationTokensPerSecond: generation }] });

  it("scales the best real-model calibration of this CPU and backend by size", () => {
    const entries = {
      [key("/a.gguf", 500_000_000)]: choice(20), // 10 GB/s
      [key("/b.gguf", 1_000_000_000)]: choice(8), // 8 GB/s
      [key("/tiny.gguf", 1_750_000)]: choice(5000), // too small to say anything
      [key("/gpu.gguf", 1_000_000_000, "CUDA")]: choice(100),
      "/other.gguf|500000000|1|CPU|Other CPU|8": choice(100),
      "/old.gguf|500000000|1|CPU|Test CPU|8": { threads: 1, source: "measured", measurements: [{ threads: 1, tokensPerSecond: 500 }] },
    };
    const basis = basisFromCalibrations(entries, "CPU", "Test CPU", 8)!;
    assert.equal(basis.bytesPerSecond, 10e9);
    assert.equal(estimateTokensPerSecond(basis, 1e9), 10);
    assert.equal(basisFromCalibrations(entries, "CUDA", "Test CPU", 8)!.bytesPerSecond, 100e9);
    assert.equal(basisFromCalibrations(entries, "Metal", "Test CPU", 8), undefined);
    assert.equal(basisFromCalibrations({ [key("/tiny.gguf", 1_750_000)]: choice(5000) }, "CPU", "Test CPU", 8), undefined);
  });

  it("falls back to the memory probe at its documented efficiency", () => {
    assert.deepEqual(basisFromProbe(8e9), { bytesPerSecond: 8e9 * PROBE_EFFICIENCY, source: "memory-probe" });
  });
});

describe("machine facts", () => {
  it("counts the page cache the kernel gives back as available RAM (MemAvailable), not only MemFree", () => {
    const meminfo = "MemTotal:       16000000 kB\nMemFree:          500000 kB\nMemAvailable:    9000000 kB\n";
    assert.equal(availableRamBytes(meminfo), 9_000_000 * 1024);
  });
});
