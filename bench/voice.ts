// Voice bench: espeak-ng speaks the corpus (test/support/voice-corpus.ts), sox makes 16 kHz mono WAV,
// Pincer's VoiceService transcribes it with the real Whisper model, and this prints WER for
// English and CER for Chinese and mixed sentences, per sample and per language, with the real-time
// factor (transcription time / audio length).
//
// Usage: node --import tsx bench/voice.ts [--model PATH] [--lang auto|zh|en|per-sample] [--only en,zh,mixed] [--json]
//   default model: the test model (node scripts/fetch-test-whisper-model.mjs); default --lang auto.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { normalizeSettings, type VoiceLanguage } from "../server/src/protocol";
import { VoiceService } from "../server/src/voice/voice-service";
import { speakParts, WHISPER_TEST_MODEL } from "../test/support/speech";
import { VOICE_CORPUS } from "../test/support/voice-corpus";
import { charErrorRate, pinyinSyllableErrorRate, wordErrorRate } from "../test/support/voice-metrics";

const { values } = parseArgs({ options: { model: { type: "string" }, lang: { type: "string", default: "auto" }, json: { type: "boolean" }, threads: { type: "string" }, only: { type: "string" } } });
const kinds = (values.only ?? "en,zh,mixed").split(",");
const model = path.resolve(values.model ?? WHISPER_TEST_MODEL);
const settings = normalizeSettings({ voice: { model } });
const threads = values.threads ? Number(values.threads) : "auto";
const voice = new VoiceService(() => ({ voice: settings.voice, modelsDir: os.tmpdir(), gpu: "off", threads }));
const dir = mkdtempSync(path.join(os.tmpdir(), "pincer-voice-bench-"));

interface Row { id: string; kind: string; language: string; reference: string; transcript: string; errorRate: number; metric: "WER" | "CER"; syllableErrorRate?: number; audioMs: number; elapsedMs: number }
const rows: Row[] = [];
try {
  const loadStart = Date.now();
  await voice.prepare(new AbortController().signal);
  const loadMs = Date.now() - loadStart;
  for (const sample of VOICE_CORPUS.filter((s) => kinds.includes(s.kind))) {
    const wav = speakParts(sample.parts, path.join(dir, `${sample.id}.wav`));
    const language = (values.lang === "per-sample" ? (sample.kind === "en" ? "en" : "zh") : values.lang) as VoiceLanguage;
    const result = await voice.transcribeFile(wav, { language, signal: new AbortController().signal });
    const metric = sample.kind === "en" ? "WER" : "CER";
    const errorRate = metric === "WER" ? wordErrorRate(sample.text, result.text) : charErrorRate(sample.text, result.text);
    const audioMs = Math.round(Number(execFileSync("soxi", ["-D", wav], { encoding: "utf8" })) * 1000);
    const syllableErrorRate = sample.kind === "en" ? undefined : pinyinSyllableErrorRate(sample.text, result.text);
    rows.push({ id: sample.id, kind: sample.kind, language: result.language, reference: sample.text, transcript: result.text, errorRate, metric, syllableErrorRate, audioMs, elapsedMs: result.elapsedMs });
    const syllables = syllableErrorRate === undefined ? "" : `  pinyin ${(syllableErrorRate * 100).toFixed(0)}%`;
    if (!values.json) console.log(`${sample.id.padEnd(14)} ${metric} ${(errorRate * 100).toFixed(0).padStart(3)}%${syllables}  ${result.language}  RTF ${(result.elapsedMs / audioMs).toFixed(2)}  ${JSON.stringify(result.text)}`);
  }
  const summary = (["en", "zh", "mixed"] as const).filter((kind) => kinds.includes(kind)).map((kind) => {
    const of = rows.filter((r) => r.kind === kind);
    const mean = of.reduce((n, r) => n + r.errorRate, 0) / of.length;
    const syllables = kind === "en" ? undefined : of.reduce((n, r) => n + (r.syllableErrorRate ?? 0), 0) / of.length;
    return { kind, metric: kind === "en" ? "WER" : "CER", mean, syllableErrorRate: syllables, samples: of.length, rtf: of.reduce((n, r) => n + r.elapsedMs, 0) / of.reduce((n, r) => n + r.audioMs, 0) };
  });
  if (values.json) console.log(JSON.stringify({ model, lang: values.lang, loadMs, rows, summary }, null, 2));
  else {
    console.log(`\nmodel ${path.basename(model)}, --lang ${values.lang}, load ${loadMs} ms, ${os.cpus().length} CPUs`);
    for (const s of summary) console.log(`${s.kind.padEnd(6)} ${s.metric} ${(s.mean * 100).toFixed(1)}%${s.syllableErrorRate === undefined ? "" : ` (toneless pinyin syllables ${(s.syllableErrorRate * 100).toFixed(1)}%)`} over ${s.samples} samples, real-time factor ${s.rtf.toFixed(2)}`);
  }
} finally {
  await voice.dispose();
  rmSync(dir, { recursive: true, force: true });
}
