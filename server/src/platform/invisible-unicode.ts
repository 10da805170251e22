// Invisible Unicode made visible before a model reads text it did not write (file contents, command
// output, search results, OCR text, chat rules and attachments). Characters that render as nothing can
// carry instructions the person never sees: tag characters (U+E0000–E007F, "ASCII smuggling"), bidi
// controls that reorder what is shown (CVE-2021-42574, "Trojan Source"), zero-width characters and
// variation selectors used to encode hidden bytes. Each one becomes a visible `<U+XXXX>` escape, so
// the person and the model both see that something was there.
//
// The list is Unicode's own: Default_Ignorable_Code_Point (every code point a renderer may show as
// nothing) plus Bidi_Control, plus the interlinear annotation controls U+FFF9–FFFB (format characters
// that can hide their annotation). Two emoji uses stay as they are, because escaping them would
// break ordinary emoji and they cannot carry a hidden message:
//  - ZWJ (U+200D) between two pictographs (👩‍💻, 🏳️‍🌈; skin tones and one VS16 may stand between);
//  - one VS15/VS16 (U+FE0E/U+FE0F) right after an emoji-capable character (❤️, 1️⃣).
// Everything else is escaped, also where it is legitimate (ZWNJ in Persian words, tag characters in the
// England flag 🏴󠁧󠁢󠁥󠁮󠁧󠁿): safety first.

const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Bidi_Control}\uFFF9-\uFFFB]/gu;
const ANY_INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Bidi_Control}\uFFF9-\uFFFB]/u;
const PICTOGRAPH = /^\p{Extended_Pictographic}$/u;
const EMOJI = /^\p{Emoji}$/u;
const EMOJI_MODIFIER = /^\p{Emoji_Modifier}$/u;
const ZWJ = 0x200d;
const VS15 = 0xfe0e;
const VS16 = 0xfe0f;

export interface Revealed {
  text: string;
  /** How many invisible characters were replaced by escapes. */
  count: number;
}

/** `text` with every invisible character (see the file comment) replaced by `<U+XXXX>`. */
export function revealInvisible(text: string): string {
  return revealInvisibleCounted(text).text;
}

/** revealInvisible, and how many characters it escaped. */
export function revealInvisibleCounted(text: string): Revealed {
  if (!ANY_INVISIBLE.test(text)) return { text, count: 0 };
  let count = 0;
  const revealed = text.replace(INVISIBLE, (char: string, offset: number) => {
    const code = char.codePointAt(0)!;
    if (code === ZWJ && joinsPictographs(text, offset)) return char;
    if ((code === VS16 || code === VS15) && selectsEmoji(text, offset)) return char;
    count++;
    return escapeOf(code);
  });
  return { text: revealed, count };
}

/**
 * For text a person must judge (a command on an approval card): undefined when it holds nothing
 * invisible, else what it really says, with the escapes. A bidi override can make a command look
 * like another one on the card.
 */
export function invisibleNote(text: string): string | undefined {
  const revealed = revealInvisibleCounted(text);
  return revealed.count === 0 ? undefined : `it contains ${revealed.count} invisible Unicode character(s); it reads: ${revealed.text}`;
}

/** The escape shown for a code point: `<U+200B>`, `<U+E0041>`. */
export function escapeOf(code: number): string {
  return `<U+${code.toString(16).toUpperCase().padStart(4, "0")}>`;
}

/**
 * The reverse, for text the model copies back from what it was shown (an edit's search text): each
 * `<U+XXXX>` that revealInvisible would have produced becomes its character again. Other escapes
 * (`<U+0041>`) stay literal text.
 */
export function restoreInvisible(text: string): string {
  return text.replace(/<U\+([0-9A-F]{4,6})>/g, (escape: string, hex: string) => {
    const code = Number.parseInt(hex, 16);
    if (code > 0x10ffff || escapeOf(code) !== escape) return escape;
    const char = String.fromCodePoint(code);
    return ANY_INVISIBLE.test(char) ? char : escape;
  });
}

/** Whether `text` holds a `<U+XXXX>` escape of an invisible character. */
export function hasInvisibleEscape(text: string): boolean {
  return restoreInvisible(text) !== text;
}

/** ZWJ at `offset` sits between two pictographs (a skin tone or VS16 may follow the first). */
function joinsPictographs(text: string, offset: number): boolean {
  let before = previousCodePoint(text, offset);
  if (before && before.code === VS16) before = previousCodePoint(text, before.start);
  if (before && EMOJI_MODIFIER.test(String.fromCodePoint(before.code))) before = previousCodePoint(text, before.start);
  const after = text.codePointAt(offset + 1);
  return before !== undefined && PICTOGRAPH.test(String.fromCodePoint(before.code)) && after !== undefined && PICTOGRAPH.test(String.fromCodePoint(after));
}

/** A VS15/VS16 at `offset` follows an emoji-capable character directly (not another selector). */
function selectsEmoji(text: string, offset: number): boolean {
  const before = previousCodePoint(text, offset);
  if (!before) return false;
  const char = String.fromCodePoint(before.code);
  return EMOJI.test(char) && !ANY_INVISIBLE.test(char);
}

function previousCodePoint(text: string, offset: number): { code: number; start: number } | undefined {
  if (offset <= 0) return undefined;
  const low = text.charCodeAt(offset - 1);
  if (low >= 0xdc00 && low <= 0xdfff && offset >= 2) {
    const high = text.charCodeAt(offset - 2);
    if (high >= 0xd800 && high <= 0xdbff) return { code: text.codePointAt(offset - 2)!, start: offset - 2 };
  }
  return { code: low, start: offset - 1 };
}
