// Error rates for speech: WER over words for English, CER over characters for Chinese and mixed
// sentences. Both sides are normalised the same way first (case, punctuation, spaces between
// Chinese characters), so only what was heard counts, not how Whisper punctuates.
import { pinyin } from "pinyin-pro";
import { editDistance } from "./edit-distance";

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

/**
 * Syllable error rate over toneless pinyin: what was heard, whatever characters were chosen for it.
 * Whisper often writes a heard syllable with a homophone or a traditional character (開 for 开);
 * CER counts that as wrong, this does not. English words in the text are compared as words.
 */
export function pinyinSyllableErrorRate(reference: string, hypothesis: string): number {
  const ref = syllables(reference);
  return ref.length === 0 ? 0 : editDistance(ref, syllables(hypothesis)) / ref.length;
}

function syllables(text: string): string[] {
  const out: string[] = [];
  for (const run of normalizeSpeech(text).match(/\p{Script=Han}+|[a-z0-9']+/gu) ?? []) {
    if (/\p{Script=Han}/u.test(run)) out.push(...pinyin(run, { toneType: "none", type: "array" }));
    else out.push(run);
  }
  return out;
}
