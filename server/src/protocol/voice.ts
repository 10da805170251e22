// Voice input: dictation through the OS recorder and a local Whisper model. Audio never leaves
// the machine; the client only starts, stops and shows what the server records and transcribes.
import { object, oneOf, optional, str, workDoneToken } from "./checks";
import type { DownloadModelResult } from "./models";
import { PincerNotification, PincerRequest0, PincerRequest, ServerNotification } from "./rpc";

export type VoiceLanguage = "auto" | "zh" | "en";
export const VOICE_LANGUAGES: readonly VoiceLanguage[] = ["auto", "zh", "en"];
export type VoiceModelId = "base" | "small";
export const VOICE_MODEL_IDS: readonly VoiceModelId[] = ["base", "small"];

export interface VoiceModelInfo {
  /** The setting's value: a catalog id ("base") or a path to a ggml .bin file. */
  setting: string;
  /** Where the model file is (or would be, once downloaded). */
  path: string;
  present: boolean;
  /** Catalog models: what a download costs, for the consent question. */
  catalog?: { id: VoiceModelId; label: string; bytes: number };
}

export interface RecorderInfo {
  /** The program that records ("arecord", "sox", "ffmpeg"); absent when none was found. */
  program?: string;
  /** Why there is none, in words for the person (what to install). */
  reason?: string;
}

/** Client → server: what dictation would use now. */
export interface VoiceStatusResult {
  model: VoiceModelInfo;
  recorder: RecorderInfo;
}
export const VoiceStatusRequest = new PincerRequest0<VoiceStatusResult>("pincer/voice/status");

/** Client → server: download the configured catalog model (the client asked the person first). */
export interface VoiceDownloadParams {
  workDoneToken?: string | number;
}
export const VoiceDownloadRequest = new PincerRequest<VoiceDownloadParams, DownloadModelResult>("pincer/voice/download", object({ workDoneToken }));

/** Client → server: record until stopped (pincer/voice/stop), silence or cancel, then transcribe. */
export interface DictateParams {
  id: string;
  language?: VoiceLanguage;
}
export interface TranscriptResult {
  text: string;
  /** The language Whisper used (detected when asked for "auto"). */
  language: string;
  /** Length of the audio and time spent transcribing it. */
  audioMs: number;
  elapsedMs: number;
  segments: { startMs: number; endMs: number; text: string }[];
  /** Dictation only: why recording ended. */
  stoppedBy?: "stop" | "silence" | "limit" | "end";
}
export const DictateRequest = new PincerRequest<DictateParams, TranscriptResult>(
  "pincer/voice/dictate",
  object({ id: str({ min: 1, max: 200 }), language: optional(oneOf(VOICE_LANGUAGES)) }),
);

/** Client → server: stop recording this dictation and transcribe what was heard. */
export interface DictateStopParams {
  id: string;
}
export const DictateStopNotification = new PincerNotification<DictateStopParams>("pincer/voice/stop", object({ id: str({ min: 1, max: 200 }) }));

/** Server → client: recording level (0..1, about ten times a second) and phase of a dictation. */
export interface DictateProgressParams {
  id: string;
  phase: "loading" | "recording" | "transcribing";
  level: number;
  elapsedMs: number;
}
export const DictateProgressNotification = new ServerNotification<DictateProgressParams>("pincer/voice/progress");
