// pincer outline: the definitions in a source file (tree-sitter), as text or JSON. Text numbers
// lines from 1 (as editors show them); --json keeps LSP's 0-based ranges (as `complete --line`).
import path from "node:path";
import { GRAMMAR_FILES, grammarForPath, type GrammarId } from "../../index/grammars";
import { outline as outlineOf } from "../../index/symbols";
import { readInputFile } from "../input-file";
import { EXIT_FAILURE, EXIT_OK } from "../usage";

/** How each grammar is named to a person. */
const LANGUAGE_NAMES: Record<GrammarId, string> = {
  typescript: "TypeScript",
  tsx: "TSX",
  javascript: "JavaScript",
  python: "Python",
  go: "Go",
  rust: "Rust",
  java: "Java",
  c: "C",
  cpp: "C++",
  c_sharp: "C#",
  ruby: "Ruby",
  php: "PHP",
  bash: "shell (bash)",
  json: "JSON",
  css: "CSS",
  powershell: "PowerShell",
  ini: "INI",
};

export function outlineLanguages(): string {
  return (Object.keys(GRAMMAR_FILES) as GrammarId[]).map((id) => LANGUAGE_NAMES[id]).join(", ");
}

export async function outline(args: { file: string; json: boolean }): Promise<number> {
  const file = path.resolve(args.file);
  const text = await readInputFile(file);
  const grammar = grammarForPath(file);
  const symbols = grammar ? await outlineOf(text, grammar) : undefined;
  if (!grammar || !symbols) {
    process.stderr.write(`pincer: outline reads ${outlineLanguages()}; ${path.basename(file)} is none of these (by its extension).\n`);
    return EXIT_FAILURE;
  }
  if (args.json) process.stdout.write(`${JSON.stringify({ file, language: grammar, symbols })}\n`);
  else for (const s of symbols) process.stdout.write(`${"  ".repeat(s.depth)}${s.kind} ${s.name}  (line ${s.range.start.line + 1})\n`);
  if (symbols.length === 0) process.stderr.write(`pincer: no definitions in ${path.basename(file)} (${LANGUAGE_NAMES[grammar]}).\n`);
  return EXIT_OK;
}
