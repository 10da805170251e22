// Records from the microphone through a program the OS already has (arecord, sox or ffmpeg), as
// raw 16 kHz mono 16-bit PCM on its stdout, kept in memory only: nothing is written to disk.
// Reports the level about ten times a second and stops on a stop signal, on silence after speech,
// or at a length limit. Silence is measured in samples, not wall time, so it is deterministic.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { levelDb, meterLevel, SAMPLE_RATE } from "./wav";

export interface RecorderCommand {
  program: string;
  args: string[];
}

export interface RecorderChoice {
  command?: RecorderCommand;
  /** Why no recorder is available, with what to install. */
  reason?: string;
}

export class RecorderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RecorderError";
  }
}

const RAW_SOX = ["-t", "raw", "-r", String(SAMPLE_RATE), "-c", "1", "-b", "16", "-e", "signed-integer", "-L", "-"];
const RAW_FFMPEG = ["-ac", "1", "-ar", String(SAMPLE_RATE), "-f", "s16le", "-"];

/** A program on PATH (absolute entries only: a relative entry would run whatever the workspace holds). */
export function findProgram(name: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? "").split(path.delimiter).filter((d) => path.isAbsolute(d));
  const names = platform === "win32" ? [`${name}.exe`] : [name];
  for (const dir of dirs) for (const n of names) if (existsSync(path.join(dir, n))) return path.join(dir, n);
  return undefined;
}

/** Windows ffmpeg needs a DirectShow device name: the first audio device it lists. */
function dshowAudioDevice(ffmpeg: string): string | undefined {
  const listing = spawnSync(ffmpeg, ["-hide_banner", "-list_devices", "true", "-f", "dshow", "-i", "dummy"], { encoding: "utf8", timeout: 10_000 });
  return /"([^"]+)"\s*\(audio\)/.exec(`${listing.stderr ?? ""}${listing.stdout ?? ""}`)?.[1];
}

/**
 * The recorder to use: the named one, or the first found of the platform's list
 * (Linux: arecord, sox, ffmpeg; macOS: sox, ffmpeg; Windows: sox, ffmpeg).
 */
export function chooseRecorder(options: { preferred?: "auto" | "arecord" | "sox" | "ffmpeg"; env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform } = {}): RecorderChoice {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const order = platform === "linux" ? (["arecord", "sox", "ffmpeg"] as const) : (["sox", "ffmpeg"] as const);
  const candidates = options.preferred && options.preferred !== "auto" ? [options.preferred] : order;
  for (const name of candidates) {
    const program = findProgram(name, env, platform);
    if (!program) continue;
    if (name === "arecord") return { command: { program, args: ["-q", "-t", "raw", "-f", "S16_LE", "-r", String(SAMPLE_RATE), "-c", "1", "-"] } };
    if (name === "sox") {
      const input = platform === "win32" ? ["-t", "waveaudio", "default"] : ["-d"];
      return { command: { program, args: ["-q", ...input, ...RAW_SOX] } };
    }
    if (platform === "darwin") return { command: { program, args: ["-hide_banner", "-loglevel", "error", "-f", "avfoundation", "-i", ":0", ...RAW_FFMPEG] } };
    if (platform === "win32") {
      const device = dshowAudioDevice(program);
      if (!device) continue;
      return { command: { program, args: ["-hide_banner", "-loglevel", "error", "-f", "dshow", "-i", `audio=${device}`, ...RAW_FFMPEG] } };
    }
    return { command: { program, args: ["-hide_banner", "-loglevel", "error", "-f", "pulse", "-i", "default", ...RAW_FFMPEG] } };
  }
  const install =
    platform === "linux"
      ? "install alsa-utils (arecord) or sox, e.g. `sudo apt install alsa-utils`"
      : platform === "darwin"
        ? "install sox or ffmpeg, e.g. `brew install sox`"
        : "install SoX or FFmpeg and put it on PATH (e.g. `winget install ChrisBagley.SoX` or `winget install Gyan.FFmpeg`)";
  const tried = candidates.join(", ");
  return { reason: `No audio recorder found (looked for ${tried} on PATH): ${install}.` };
}

export interface RecordOptions {
  command: RecorderCommand;
  /** Cancel: stop recording and throw AbortError (nothing is kept). */
  signal: AbortSignal;
  /** Stop recording and return what was heard (a second press of the mic button). */
  stop?: AbortSignal;
  maxMs?: number;
  /** A frame quieter than this (dBFS) is silence. */
  silenceDb?: number;
  /** Stop after this much silence once speech was heard. */
  silenceMs?: number;
  /** Stop when no speech at all was heard for this long. */
  noSpeechMs?: number;
  onLevel?: (level: number, elapsedMs: number) => void;
}

export interface Recording {
  pcm: Int16Array;
  audioMs: number;
  stoppedBy: "stop" | "silence" | "limit" | "end";
  heardSpeech: boolean;
}

const FRAME_SAMPLES = SAMPLE_RATE / 10; // 100 ms
const FRAME_MS = 100;
const MIN_SPEECH_MS = 300;
const KEEP_AFTER_SPEECH_MS = 400;

function abortError(): Error {
  const error = new Error("Recording was cancelled.");
  error.name = "AbortError";
  return error;
}

export function record(options: RecordOptions): Promise<Recording> {
  const maxMs = options.maxMs ?? 120_000;
  const silenceDb = options.silenceDb ?? -40;
  const silenceMs = options.silenceMs ?? 1_500;
  const noSpeechMs = options.noSpeechMs ?? 15_000;
  if (options.signal.aborted) return Promise.reject(abortError());

  return new Promise<Recording>((resolve, reject) => {
    const child = spawn(options.command.program, options.command.args, { stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
    const frames: Int16Array[] = [];
    let pending: Buffer = Buffer.alloc(0);
    let speechMs = 0;
    let silentMs = 0;
    let lastSpeechFrame = -1;
    let stderr = "";
    let settled = false;

    const finish = (stoppedBy: Recording["stoppedBy"] | "cancel" | Error) => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener("abort", onCancel);
      options.stop?.removeEventListener("abort", onStop);
      child.stdout.removeAllListeners("data");
      if (child.exitCode === null && child.signalCode === null) child.kill();
      if (stoppedBy === "cancel") return reject(abortError());
      if (stoppedBy instanceof Error) return reject(stoppedBy);
      const heardSpeech = speechMs >= MIN_SPEECH_MS;
      // Trailing silence is cut (Whisper tends to invent words in long silence), keeping a short tail.
      const keepFrames = heardSpeech && stoppedBy === "silence" ? Math.min(frames.length, lastSpeechFrame + 1 + KEEP_AFTER_SPEECH_MS / FRAME_MS) : frames.length;
      const kept = frames.slice(0, keepFrames);
      const pcm = new Int16Array(kept.reduce((n, f) => n + f.length, 0));
      let offset = 0;
      for (const frame of kept) {
        pcm.set(frame, offset);
        offset += frame.length;
      }
      resolve({ pcm, audioMs: Math.round((pcm.length / SAMPLE_RATE) * 1000), stoppedBy, heardSpeech });
    };
    const onCancel = () => finish("cancel");
    const onStop = () => finish("stop");
    options.signal.addEventListener("abort", onCancel, { once: true });
    options.stop?.addEventListener("abort", onStop, { once: true });

    const onFrame = (frame: Int16Array) => {
      frames.push(frame);
      const elapsedMs = frames.length * FRAME_MS;
      const db = levelDb(frame);
      options.onLevel?.(meterLevel(db), elapsedMs);
      if (db > silenceDb) {
        speechMs += FRAME_MS;
        silentMs = 0;
        lastSpeechFrame = frames.length - 1;
      } else {
        silentMs += FRAME_MS;
      }
      if (speechMs >= MIN_SPEECH_MS && silentMs >= silenceMs) finish("silence");
      else if (speechMs < MIN_SPEECH_MS && elapsedMs >= noSpeechMs) finish("silence");
      else if (elapsedMs >= maxMs) finish("limit");
    };

    child.stdout.on("data", (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      const frameBytes = FRAME_SAMPLES * 2;
      while (!settled && pending.length >= frameBytes) {
        // Copy: the frame outlives the chunk, and Int16Array needs an aligned offset.
        const bytes = Buffer.from(pending.subarray(0, frameBytes));
        pending = pending.subarray(frameBytes);
        onFrame(new Int16Array(bytes.buffer, bytes.byteOffset, FRAME_SAMPLES));
      }
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      stderr = (stderr + text).slice(-2000);
    });
    child.on("error", (error) => finish(new RecorderError(`${path.basename(options.command.program)} could not start: ${error.message}`)));
    child.on("close", (code, signal) => {
      if (settled) return;
      if (frames.length === 0 && (code !== 0 || signal)) {
        const detail = stderr.trim().split("\n").slice(-3).join(" ").trim();
        return finish(new RecorderError(`${path.basename(options.command.program)} stopped without recording (exit ${code ?? signal})${detail ? `: ${detail}` : ""}. Is a microphone connected and allowed?`));
      }
      finish("end");
    });
  });
}
