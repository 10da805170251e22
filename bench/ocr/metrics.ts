// Error rates for the OCR bench: Levenshtein distance over characters (CER) and words (WER),
// and the share of table cells read exactly.

import { editDistance } from "../../test/support/edit-distance";

export { editDistance };

/** Whitespace runs count as one space; line breaks as spaces. */
export function normalize(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

export interface Tally {
  errors: number;
  total: number;
}

export function addCharErrors(tally: Tally, reference: string, hypothesis: string): void {
  const ref = [...normalize(reference)];
  tally.errors += editDistance(ref, [...normalize(hypothesis)]);
  tally.total += ref.length;
}

export function addWordErrors(tally: Tally, reference: string, hypothesis: string): void {
  const ref = normalize(reference).split(" ");
  tally.errors += editDistance(ref, normalize(hypothesis).split(" ").filter(Boolean));
  tally.total += ref.length;
}

/** Cells equal after whitespace normalisation, compared by position; missing cells count as wrong. */
export function addCellErrors(tally: Tally, reference: readonly string[][], table: readonly string[][] | undefined): void {
  for (let r = 0; r < reference.length; r++) {
    for (let c = 0; c < reference[r]!.length; c++) {
      tally.total++;
      if (normalize(table?.[r]?.[c] ?? "") !== normalize(reference[r]![c]!)) tally.errors++;
    }
  }
}

export function rate(tally: Tally): number {
  return tally.total === 0 ? 0 : tally.errors / tally.total;
}
