// pincer transcribe FILE / pincer voice-model: voice input from the command line, on the same
// VoiceService the editor uses. The transcript goes to stdout (or JSON); notes go to stderr.
import path from "node:path";
import { resolveModelsDir } from "../../models/models-dir";
import type { PincerSettings, VoiceLanguage } from "../../protocol";
import { AudioInputError } from "../../voice/audio-file";
import { VoiceModelError } from "../../voice/whisper-models";
import { VoiceService } from "../../voice/voice-service";
import { ProgressBar } from "../progress-bar";
import { EXIT_FAILURE, EXIT_OK } from "../usage";

function service(settings: PincerSettings): VoiceService {
  return new VoiceService(() => ({ voice: settings.voice, modelsDir: resolveModelsDir(settings.modelsDir), gpu: settings.gpu, threads: settings.threads }));
}

export async function transcribe(settings: PincerSettings, args: { file: string; language?: VoiceLanguage; json: boolean }, signal: AbortSignal): Promise<number> {
  const voice = service(settings);
  try {
    const model = await voice.status().then((s) => s.model.path);
    const result = await voice.transcribeFile(args.file, { language: args.language, signal });
    if (args.json) process.stdout.write(`${JSON.stringify({ file: path.resolve(args.file), model, ...result })}\n`);
    else process.stdout.write(`${result.text}\n`);
    return EXIT_OK;
  } catch (error) {
    const known = error instanceof AudioInputError || error instanceof VoiceModelError || (error as Error).name === "AbortError";
    // whisper.cpp's own failures (an undecodable file) are messages for the person too, not stack traces.
    process.stderr.write(`pincer: ${known ? "" : "transcription failed: "}${(error as Error).message}\n`);
    return EXIT_FAILURE;
  } finally {
    await voice.dispose();
  }
}

/** `pincer voice-model [download]`: where the Whisper model is and whether it is there; download it. */
export async function voiceModel(settings: PincerSettings, args: { download: boolean; json: boolean }, signal: AbortSignal): Promise<number> {
  const voice = service(settings);
  try {
    if (args.download) {
      const bar = new ProgressBar("Downloading the Whisper model");
      const result = await voice.download({ signal, onProgress: (done, total) => bar.update(total > 0 ? done / total : 0, `${(done / 1e6).toFixed(0)}/${(total / 1e6).toFixed(0)} MB`) });
      bar.finish(`Saved ${result.path} (sha256 ${result.sha256}, verified: ${result.verified})`);
    }
    const status = await voice.status();
    if (args.json) process.stdout.write(`${JSON.stringify(status)}\n`);
    else {
      const { model, recorder } = status;
      process.stdout.write(`model: ${model.path} (${model.present ? "present" : `not downloaded${model.catalog ? `: ${model.catalog.label}` : ""}`})\n`);
      process.stdout.write(`recorder: ${recorder.program ?? recorder.reason}\n`);
    }
    return EXIT_OK;
  } catch (error) {
    if (error instanceof VoiceModelError) {
      process.stderr.write(`pincer: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    throw error;
  } finally {
    await voice.dispose();
  }
}
