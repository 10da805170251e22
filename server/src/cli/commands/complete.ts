// pincer complete: the text Pincer would insert at a 0-based position (same code as ghost text).
import { promises as fs } from "node:fs";
import path from "node:path";
import { completeAt, offsetAt } from "../../completion/complete";
import { grammarForPath } from "../../index/grammars";
import type { PincerSettings } from "../../protocol";
import { loadEngineForCli } from "../load-engine";
import { EXIT_FAILURE, EXIT_OK, UsageError } from "../usage";

export async function complete(
  settings: PincerSettings,
  args: { file: string; line: number; character: number; json: boolean },
  signal: AbortSignal,
): Promise<number> {
  const file = path.resolve(args.file);
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const { host, engine } = await loadEngineForCli(settings, { quiet: args.json });
  try {
    const result = await completeAt(engine, {
      uri: file,
      languageId: grammarForPath(file) ?? "plaintext",
      path: path.relative(process.cwd(), file).split(path.sep).join("/"),
      text,
      offset: offsetAt(text, args.line, args.character),
      maxTokens: settings.completion.maxTokens,
      maxLines: settings.completion.maxLines,
      signal,
    });
    if (args.json) {
      const out = { file, line: args.line, character: args.character, model: engine.facts.name, insertText: result.insertText, usedInfill: result.usedInfill };
      process.stdout.write(`${JSON.stringify(out)}\n`);
    } else {
      process.stdout.write(result.insertText);
      if (process.stdout.isTTY) process.stdout.write("\n");
    }
    return result.cancelled ? EXIT_FAILURE : EXIT_OK;
  } finally {
    await host.dispose();
  }
}
