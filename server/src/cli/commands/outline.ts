// pincer outline: the definitions in a source file (tree-sitter), as text or JSON.
import { promises as fs } from "node:fs";
import path from "node:path";
import { grammarForPath } from "../../index/grammars";
import { outline as outlineOf } from "../../index/symbols";
import { EXIT_FAILURE, EXIT_OK, UsageError } from "../usage";

export async function outline(args: { file: string; json: boolean }): Promise<number> {
  const file = path.resolve(args.file);
  const text = await fs.readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`Cannot read ${file}: ${error.code ?? error.message}`);
  });
  const grammar = grammarForPath(file);
  const symbols = grammar ? await outlineOf(text, grammar) : undefined;
  if (!symbols) {
    process.stderr.write(`pincer: no grammar for ${path.basename(file)}\n`);
    return EXIT_FAILURE;
  }
  if (args.json) process.stdout.write(`${JSON.stringify({ file, language: grammar, symbols })}\n`);
  else for (const s of symbols) process.stdout.write(`${"  ".repeat(s.depth)}${s.kind} ${s.name}  (line ${s.range.start.line + 1})\n`);
  return EXIT_OK;
}
