// tesseract's chi_sim (and jpn) output puts a space between words and often between single
// characters ("本 地 化 部 署"), because its line model is built on space-separated scripts. Chinese
// and Japanese are written without spaces, so a space between two CJK characters, or next to CJK
// punctuation (which carries its own spacing), is an OCR artefact and goes. A space between CJK and
// Latin or digits stays ("使用 Node.js 运行" is how such text is usually typeset), as do Latin word
// spaces, Korean word spaces (Hangul is written with spaces) and line breaks.

/** Han ideographs, kana, and the iteration / prolonged-sound marks that sit between them. */
const CJK_CHAR = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々〆`;
/** CJK symbols and punctuation (、。「」…), and fullwidth forms (，！？：；（）). */
const CJK_PUNCT = String.raw`\u3000-\u303F\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65`;

const BETWEEN_CJK = new RegExp(String.raw`(?<=[${CJK_CHAR}${CJK_PUNCT}])[ \t]+(?=[${CJK_CHAR}${CJK_PUNCT}])`, "gu");
const BEFORE_PUNCT = new RegExp(String.raw`[ \t]+(?=[${CJK_PUNCT}])`, "gu");
const AFTER_PUNCT = new RegExp(String.raw`(?<=[${CJK_PUNCT}])[ \t]+`, "gu");

/** The text with OCR's spaces inside CJK runs and around CJK punctuation removed. */
export function joinCjkSpacing(text: string): string {
  return text.replace(BETWEEN_CJK, "").replace(BEFORE_PUNCT, "").replace(AFTER_PUNCT, "");
}

/** OCR words joined into a line's or a cell's text: spaces between them, none inside CJK runs. */
export function joinWords(words: readonly { text: string }[]): string {
  return joinCjkSpacing(words.map((w) => w.text).join(" "));
}
