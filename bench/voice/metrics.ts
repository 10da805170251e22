// Error rates for speech: WER over words for English, CER over characters for Chinese and mixed
// sentences. Both sides are normalised the same way first (case, punctuation, spaces between
// Chinese characters), so only what was heard counts, not how Whisper punctuates.
import { editDistance } from "../ocr/metrics";

/** Lower case, punctuation (ASCII and CJK) dropped, runs of space as one. */
export function normalizeSpeech(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

export function wordErrorRate(reference: string, hypothesis: string): number {
  const ref = normalizeSpeech(reference).split(" ").filter(Boolean);
  const hyp = normalizeSpeech(hypothesis).split(" ").filter(Boolean);
  return ref.length === 0 ? 0 : editDistance(ref, hyp) / ref.length;
}

/** Characters without spaces: Chinese has none, and Whisper puts them around English words at will. */
export function charErrorRate(reference: string, hypothesis: string): number {
  const ref = [...normalizeSpeech(reference).replace(/ /g, "")];
  const hyp = [...normalizeSpeech(hypothesis).replace(/ /g, "")];
  return ref.length === 0 ? 0 : editDistance(ref, hyp) / ref.length;
}
