// Where dictated text goes in the prompt: at the cursor (replacing a selection), a space apart from
// the words around it, with the caret after it. Plain string work, so it is tested in Node.

export function spliceAtCursor(value: string, start: number, end: number, text: string): { value: string; caret: number } {
  const before = value.slice(0, start);
  const after = value.slice(end);
  const spaced = `${before && !/\s$/.test(before) ? " " : ""}${text}${after && !/^\s/.test(after) ? " " : ""}`;
  return { value: before + spaced + after, caret: before.length + spaced.length };
}
