// Voice input, the one façade the hosts use (LSP handler, CLI command): transcribe a file,
// dictate (record through the OS, then transcribe), report what is available, and download the
// Whisper model the person agreed to. Audio stays in this process: the recorder's output is held
// in memory and handed to whisper.cpp; no audio file is written and nothing is sent anywhere.
import os from "node:os";
import { downloadModel } from "../models/download";
import type { Logger } from "../platform/log";
import type { DownloadModelResult, GpuSetting, TranscriptResult, VoiceLanguage, VoiceSettings, VoiceStatusResult } from "../protocol";
import { checkAudioFile } from "./audio-file";
import { chooseRecorder, record, RecorderError, type RecorderCommand } from "./recorder";
import { WhisperEngine } from "./whisper-engine";
import { inspectWhisperModel, resolveVoiceModel, voiceModelInfo, VoiceModelError } from "./whisper-models";

export interface VoiceConfig {
  voice: VoiceSettings;
  modelsDir: string;
  gpu: GpuSetting;
  threads: "auto" | number;
}

export interface DictateProgress {
  phase: "loading" | "recording" | "transcribing";
  level: number;
  elapsedMs: number;
}

export class VoiceService {
  private readonly engine: WhisperEngine;
  private readonly checked = new Map<string, Promise<unknown>>();

  constructor(
    private readonly config: () => VoiceConfig,
    private readonly log: Logger = () => {},
    /** Tests give a recorder that plays a file; otherwise the OS recorder is found on PATH. */
    private readonly recorderOverride?: RecorderCommand,
  ) {
    this.engine = new WhisperEngine(log);
  }

  async status(): Promise<VoiceStatusResult> {
    const { voice, modelsDir } = this.config();
    const recorder = this.recorder();
    return {
      model: await voiceModelInfo(voice.model, modelsDir),
      recorder: recorder.command ? { program: recorder.command.program } : { reason: recorder.reason },
    };
  }

  /** Downloads the configured catalog model (pinned sha256) into the models folder. */
  async download(options: { signal: AbortSignal; onProgress?: (downloaded: number, total: number) => void }): Promise<DownloadModelResult> {
    const { voice, modelsDir } = this.config();
    const { catalog } = resolveVoiceModel(voice.model, modelsDir);
    if (!catalog) throw new VoiceModelError(`Voice model "${voice.model}" is a local file; there is nothing to download.`);
    const { owner, repo, file } = catalog.hub;
    return downloadModel({
      spec: { kind: "remote", uri: `hf:${owner}/${repo}/${file}`, fileName: catalog.fileName, hub: catalog.hub },
      modelsDir,
      sha256: catalog.sha256,
      inspect: inspectWhisperModel,
      signal: options.signal,
      onProgress: ({ downloadedBytes, totalBytes }) => options.onProgress?.(downloadedBytes, totalBytes),
    }).then((result) => {
      this.log("info", `Whisper ${catalog.id} downloaded to ${result.path} (sha256 ${result.verified}).`);
      return result;
    });
  }

  /** Loads the configured Whisper model, or says what to do when it is missing or not a Whisper model. */
  async prepare(signal: AbortSignal): Promise<string> {
    const { voice, modelsDir, gpu } = this.config();
    const info = await voiceModelInfo(voice.model, modelsDir);
    if (!info.present) {
      throw new VoiceModelError(
        info.catalog
          ? `The Whisper ${info.catalog.id} model is not downloaded yet (${info.catalog.label}; it would be saved as ${info.path}). Download it with "Pincer: Dictate" in VS Code or \`pincer voice-model download\`.`
          : `Voice model ${info.path} does not exist.`,
      );
    }
    // The header is checked once per file, before whisper.cpp sees it.
    let check = this.checked.get(info.path);
    if (!check) {
      check = inspectWhisperModel(info.path);
      this.checked.set(info.path, check);
      check.catch(() => this.checked.delete(info.path));
    }
    await check;
    await this.engine.load(info.path, gpu, signal);
    return info.path;
  }

  async transcribeFile(file: string, options: { language?: VoiceLanguage; signal: AbortSignal }): Promise<TranscriptResult> {
    const audio = await checkAudioFile(file);
    await this.prepare(options.signal);
    const started = Date.now();
    const result = await this.engine.transcribe({ file: audio.path }, { language: options.language ?? this.config().voice.language, signal: options.signal, threads: this.threads() });
    const audioMs = result.segments.length > 0 ? result.segments[result.segments.length - 1]!.endMs : 0;
    return { ...result, audioMs, elapsedMs: Date.now() - started };
  }

  /** Records until `stop`, silence or the limit, then transcribes. `signal` cancels everything. */
  async dictate(options: { language?: VoiceLanguage; signal: AbortSignal; stop?: AbortSignal; onProgress?: (progress: DictateProgress) => void }): Promise<TranscriptResult> {
    const recorder = this.recorder();
    if (!recorder.command) throw new RecorderError(recorder.reason ?? "No audio recorder found.");
    const { voice } = this.config();
    // The model loads while the person speaks.
    const loading = this.prepare(options.signal);
    loading.catch(() => undefined);
    const recording = await record({
      command: recorder.command,
      signal: options.signal,
      stop: options.stop,
      silenceMs: voice.silenceSeconds * 1000,
      onLevel: (level, elapsedMs) => options.onProgress?.({ phase: "recording", level, elapsedMs }),
    });
    if (!recording.heardSpeech) throw new RecorderError("No speech was heard. Check that the microphone is connected, not muted, and allowed for this program.");
    options.onProgress?.({ phase: "loading", level: 0, elapsedMs: recording.audioMs });
    await loading;
    options.onProgress?.({ phase: "transcribing", level: 0, elapsedMs: recording.audioMs });
    const started = Date.now();
    const result = await this.engine.transcribe({ pcm16: recording.pcm }, { language: options.language ?? voice.language, signal: options.signal, threads: this.threads() });
    return { ...result, audioMs: recording.audioMs, elapsedMs: Date.now() - started, stoppedBy: recording.stoppedBy };
  }

  private recorder() {
    if (this.recorderOverride) return { command: this.recorderOverride };
    return chooseRecorder({ preferred: this.config().voice.recorder });
  }

  private threads(): number {
    const { threads } = this.config();
    return typeof threads === "number" ? threads : Math.max(1, Math.min(4, os.availableParallelism()));
  }

  dispose(): Promise<void> {
    return this.engine.dispose();
  }
}
