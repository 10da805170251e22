// What `pincer transcribe FILE` accepts, decided by the file's first bytes (never its name):
// WAV, MP3 and FLAC are what whisper.cpp's decoder (miniaudio) reads; everything else gets a
// message that says how to convert it.
import { promises as fs } from "node:fs";
import path from "node:path";

export type AudioKind = "wav" | "mp3" | "flac";

export class AudioInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AudioInputError";
  }
}

/** Longest input accepted: an hour of 16 kHz WAV is 115 MB; this leaves room for 48 kHz stereo. */
export const MAX_AUDIO_BYTES = 1024 * 1024 * 1024;

const CONVERT_HINT = "convert it to WAV first, e.g. `ffmpeg -i INPUT -ar 16000 -ac 1 out.wav` or `sox INPUT -r 16000 -c 1 out.wav`";

export function sniffAudio(head: Buffer): AudioKind | undefined {
  if (head.length >= 12 && head.toString("ascii", 0, 4) === "RIFF" && head.toString("ascii", 8, 12) === "WAVE") return "wav";
  if (head.length >= 4 && head.toString("ascii", 0, 4) === "fLaC") return "flac";
  if (head.length >= 3 && head.toString("ascii", 0, 3) === "ID3") return "mp3";
  // An MPEG audio frame: 11 sync bits, layer III.
  if (head.length >= 2 && head[0] === 0xff && (head[1]! & 0xe0) === 0xe0 && (head[1]! & 0x06) === 0x02) return "mp3";
  return undefined;
}

/** Checks that `file` is a readable, non-empty audio file Whisper can decode; returns its kind. */
export async function checkAudioFile(file: string): Promise<{ path: string; kind: AudioKind; bytes: number }> {
  const resolved = path.resolve(file);
  const stat = await fs.stat(resolved).catch((error: NodeJS.ErrnoException) => {
    throw new AudioInputError(error.code === "ENOENT" ? `${file} does not exist.` : `${file} cannot be read: ${error.message}.`);
  });
  if (!stat.isFile()) throw new AudioInputError(`${file} is not a file.`);
  if (stat.size === 0) throw new AudioInputError(`${file} is empty.`);
  if (stat.size > MAX_AUDIO_BYTES) throw new AudioInputError(`${file} is ${Math.round(stat.size / 1e6)} MB; the limit is ${MAX_AUDIO_BYTES / 1024 / 1024 / 1024} GiB.`);
  const handle = await fs.open(resolved, "r");
  try {
    const head = Buffer.alloc(16);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const kind = sniffAudio(head.subarray(0, bytesRead));
    if (!kind) throw new AudioInputError(`${file} is not WAV, MP3 or FLAC audio; ${CONVERT_HINT}.`);
    if (kind === "wav" && stat.size <= 44) throw new AudioInputError(`${file} is a WAV file without audio.`);
    return { path: resolved, kind, bytes: stat.size };
  } finally {
    await handle.close();
  }
}
