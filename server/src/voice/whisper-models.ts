// Which Whisper model dictation uses: a catalog id ("base", "small": whisper.cpp's published
// multilingual ggml files, pinned by size and sha256) or a path to a ggml .bin the person has.
// Also the header check that tells a Whisper ggml file from anything else before the engine sees it.
import { promises as fs } from "node:fs";
import path from "node:path";
import type { VoiceModelId, VoiceModelInfo } from "../protocol";
import { expandHome } from "../models/models-dir";

export interface CatalogModel {
  id: VoiceModelId;
  label: string;
  fileName: string;
  bytes: number;
  sha256: string;
  /** Hugging Face location of whisper.cpp's own conversions of OpenAI's MIT-licensed weights. */
  hub: { owner: string; repo: string; file: string; revision: string };
}

const HUB = { owner: "ggerganov", repo: "whisper.cpp", revision: "main" };

export const VOICE_MODEL_CATALOG: Record<VoiceModelId, CatalogModel> = {
  base: {
    id: "base",
    label: "Whisper base, multilingual (148 MB)",
    fileName: "ggml-base.bin",
    bytes: 147_951_465,
    sha256: "60ed5bc3dd14eea856493d334349b405782ddcaf0028d4b5df4088345fba2efe",
    hub: { ...HUB, file: "ggml-base.bin" },
  },
  small: {
    id: "small",
    label: "Whisper small, multilingual (488 MB; better Chinese, about 3× slower)",
    fileName: "ggml-small.bin",
    bytes: 487_601_967,
    sha256: "1be3a9b2063867b937e64e2ec7483364a79917e157fa98c5d94b5c1fffea987b",
    hub: { ...HUB, file: "ggml-small.bin" },
  },
};

export class VoiceModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VoiceModelError";
  }
}

/** Resolves `pincer.voice.model` against the models folder. */
export function resolveVoiceModel(setting: string, modelsDir: string, cwd: string = process.cwd()): { path: string; catalog?: CatalogModel } {
  const value = setting.trim() || "base";
  const catalog = VOICE_MODEL_CATALOG[value as VoiceModelId];
  if (catalog) return { path: path.join(modelsDir, catalog.fileName), catalog };
  if (!/\.bin$/i.test(value)) throw new VoiceModelError(`Voice model "${value}": use base, small or the path of a whisper.cpp ggml .bin file.`);
  return { path: path.resolve(cwd, expandHome(value)) };
}

export async function voiceModelInfo(setting: string, modelsDir: string): Promise<VoiceModelInfo> {
  const resolved = resolveVoiceModel(setting, modelsDir);
  const present = await fs.stat(resolved.path).then((s) => s.isFile(), () => false);
  return {
    setting: setting.trim() || "base",
    path: resolved.path,
    present,
    ...(resolved.catalog ? { catalog: { id: resolved.catalog.id, label: resolved.catalog.label, bytes: resolved.catalog.bytes } } : {}),
  };
}

export interface GgmlWhisperHeader {
  nVocab: number;
  nAudioLayer: number;
  nTextLayer: number;
  nMels: number;
  multilingual: boolean;
}

const HPARAM_NAMES = ["n_vocab", "n_audio_ctx", "n_audio_state", "n_audio_head", "n_audio_layer", "n_text_ctx", "n_text_state", "n_text_head", "n_text_layer", "n_mels", "ftype"];

/**
 * Reads the ggml header whisper.cpp checks first (magic "ggml", hyperparameters, mel filters), so a
 * GGUF chat model, a truncated download or another file gets a clear message instead of a native error.
 */
export async function inspectWhisperModel(file: string): Promise<GgmlWhisperHeader> {
  const handle = await fs.open(file, "r").catch((error: NodeJS.ErrnoException) => {
    throw new VoiceModelError(error.code === "ENOENT" ? `${file} does not exist.` : `${file} cannot be read: ${error.message}.`);
  });
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(4 + HPARAM_NAMES.length * 4 + 8);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const name = path.basename(file);
    if (bytesRead < head.length) throw new VoiceModelError(`${name} is too short to be a Whisper model (${size} bytes).`);
    const magic = head.readUInt32LE(0);
    if (magic !== 0x67676d6c) {
      const gguf = head.toString("latin1", 0, 4) === "GGUF";
      throw new VoiceModelError(`${name} is not a whisper.cpp ggml model${gguf ? " (it is a GGUF file: a chat model, not a Whisper model)" : ""}.`);
    }
    const h = HPARAM_NAMES.map((_, i) => head.readInt32LE(4 + i * 4));
    const [nVocab, , nAudioState, nAudioHead, nAudioLayer, , , , nTextLayer, nMels] = h as [number, number, number, number, number, number, number, number, number, number, number];
    const melRows = head.readInt32LE(4 + HPARAM_NAMES.length * 4);
    const sane = nVocab > 50_000 && nVocab < 60_000 && nAudioLayer > 0 && nAudioLayer <= 64 && nTextLayer > 0 && nTextLayer <= 64 && nAudioHead > 0 && nAudioState % nAudioHead === 0 && (nMels === 80 || nMels === 128) && melRows === nMels;
    if (!sane) throw new VoiceModelError(`${name} has a ggml header but not a Whisper model's hyperparameters (${HPARAM_NAMES.map((n, i) => `${n}=${h[i]}`).join(", ")}).`);
    // Smallest real model (tiny) is 75 MB; anything far below is a cut-off download.
    if (size < 30_000_000) throw new VoiceModelError(`${name} is only ${size} bytes: the file is incomplete.`);
    return { nVocab, nAudioLayer, nTextLayer, nMels, multilingual: nVocab >= 51_865 };
  } finally {
    await handle.close();
  }
}
