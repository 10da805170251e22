// Takes the code out of a model's answer: the first fenced block when there is one (the prompt asks
// for exactly one), else the whole answer without surrounding blank lines.
const FENCED = /(`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n?\1/;

export function extractCode(answer: string): string {
  const fenced = FENCED.exec(answer);
  if (fenced) return fenced[2]!;
  // An answer cut off inside its block still has an opening fence; drop it.
  const open = /^\s*(`{3,}|~{3,})[^\n]*\n/.exec(answer);
  if (open) return answer.slice(open[0].length).replace(/\s+$/, "");
  return answer.replace(/^\s*\n/, "").replace(/\s+$/, "");
}
