// pincer/voice/*: a thin layer over voice/voice-service.ts. Dictation is one request that records
// until pincer/voice/stop, silence or $/cancelRequest, with level notifications while it runs.
import type { Connection } from "vscode-languageserver";
import { resolveModelsDir } from "../models/models-dir";
import {
  DictateProgressNotification,
  DictateRequest,
  DictateStopNotification,
  VoiceDownloadRequest,
  VoiceStatusRequest,
  type DictateParams,
  type DictateStopParams,
  type VoiceDownloadParams,
} from "../protocol";
import { VoiceService } from "../voice/voice-service";
import { toAbortSignal } from "./cancellation";
import type { ServerContext } from "./context";

/** Registers the voice requests; returns what to call on shutdown. */
export function registerVoice(connection: Connection, context: ServerContext): () => Promise<void> {
  const voice = new VoiceService(
    () => {
      const settings = context.settings();
      return { voice: settings.voice, modelsDir: resolveModelsDir(settings.modelsDir), gpu: settings.gpu, threads: settings.threads };
    },
    context.log,
    testRecorder(),
  );
  const stops = new Map<string, AbortController>();

  connection.onRequest(VoiceStatusRequest, () => voice.status());

  connection.onRequest(VoiceDownloadRequest, async (params: VoiceDownloadParams, token) => {
    const progress = await connection.window.attachWorkDoneProgress(params?.workDoneToken);
    progress.begin("Downloading the Whisper model", 0, undefined, true);
    try {
      return await voice.download({
        signal: toAbortSignal(token),
        onProgress: (done, total) => progress.report(total > 0 ? Math.floor((done / total) * 100) : 0, `${(done / 1e6).toFixed(0)} / ${(total / 1e6).toFixed(0)} MB`),
      });
    } finally {
      progress.done();
    }
  });

  connection.onRequest(DictateRequest, async (params: DictateParams, token) => {
    const stop = new AbortController();
    stops.set(params.id, stop);
    let lastSent = 0;
    try {
      const result = await voice.dictate({
        language: params.language,
        signal: toAbortSignal(token),
        stop: stop.signal,
        onProgress: ({ phase, level, elapsedMs }) => {
          // About ten level updates a second while recording; every phase change.
          const now = Date.now();
          if (phase === "recording" && now - lastSent < 90) return;
          lastSent = now;
          void connection.sendNotification(DictateProgressNotification, { id: params.id, phase, level, elapsedMs });
        },
      });
      context.log("info", `Dictation: ${result.audioMs} ms of audio (${result.stoppedBy}), transcribed in ${result.elapsedMs} ms, language ${result.language}.`);
      return result;
    } finally {
      stops.delete(params.id);
    }
  });

  connection.onNotification(DictateStopNotification, (params: DictateStopParams) => stops.get(params.id)?.abort());

  return () => voice.dispose();
}

/**
 * Test seam, like PINCER_AGENT_SCRIPT: PINCER_VOICE_RECORDER is a JSON array [program, ...args]
 * that records instead of the OS recorder (the LSP tests play a WAV file through sox).
 */
function testRecorder(): { program: string; args: string[] } | undefined {
  const raw = process.env.PINCER_VOICE_RECORDER;
  if (!raw) return undefined;
  const parsed = JSON.parse(raw) as unknown;
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((a) => typeof a === "string")) throw new Error("PINCER_VOICE_RECORDER must be a JSON array of strings: [program, ...args].");
  const [program, ...args] = parsed as string[];
  return { program: program!, args };
}
