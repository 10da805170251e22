// Words for the lexical ranker. Code names are split the way people search for them:
// `createSourceFile` → createsourcefile create source file; `MAX_PARSE_CHARS` → max_parse_chars
// max parse chars. The store's full-text index then sees plain lower-case words, and a query is
// split the same way, so "source file" finds createSourceFile and "createSourceFile" finds it too.

const WORD = /[\p{L}\p{N}_$]+/gu;
const MAX_TERMS = 4000;

/** Lower-case terms of `text`: each word, and its camelCase / snake_case / digit parts when it has several. */
export function lexicalTerms(text: string, limit = MAX_TERMS): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    const parts = splitIdentifier(word);
    const whole = word.replace(/^[_$]+|[_$]+$/g, "").toLowerCase();
    if (whole.length > 1 && whole.length <= 64) out.push(whole);
    if (parts.length > 1) for (const part of parts) if (part.length > 1) out.push(part);
    if (out.length >= limit) break;
  }
  return out;
}

/** `parseHTTPResponse2` → parse http response 2 (lower case). */
export function splitIdentifier(word: string): string[] {
  return word
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, "$1 $2")
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, "$1 $2")
    .replace(/(\p{L})(\p{N})|(\p{N})(\p{L})/gu, (_m, a, b, c, d) => (a ? `${a} ${b}` : `${c} ${d}`))
    .split(/[\s_$]+/)
    .filter(Boolean)
    .map((part) => part.toLowerCase());
}

/** The text the full-text index stores for a chunk: path parts and names weigh more by repetition. */
export function chunkTerms(path: string, symbols: readonly string[], text: string): string {
  const pathTerms = lexicalTerms(path.replace(/\.[^./]+$/, ""));
  const nameTerms = lexicalTerms(symbols.join(" "));
  return [...pathTerms, ...pathTerms, ...nameTerms, ...nameTerms, ...nameTerms, ...lexicalTerms(text)].join(" ");
}
