// pincer complete: the text Pincer would insert at a 0-based position, from the same service as ghost
// text: the completion model (`completion.model` when set), and the definitions the file imports as context.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { offsetAt } from "../../completion/complete";
import { completionModel, CompletionService } from "../../completion/completion-service";
import { languageIdForPath } from "../../index/grammars";
import { WorkspaceRoots } from "../../platform/workspace-paths";
import type { PincerSettings } from "../../protocol";
import { RemoteCompleter } from "../../remote/remote-completion";
import { loadEngineForCli } from "../load-engine";
import { cliRemoteEngines } from "../remote-file";
import { readInputFile } from "../input-file";
import { EXIT_FAILURE, EXIT_OK, UsageError } from "../usage";

export async function complete(
  settings: PincerSettings,
  args: { file: string; line: number; character: number; json: boolean },
  signal: AbortSignal,
): Promise<number> {
  const file = path.resolve(args.file);
  const text = await readInputFile(file);
  checkPosition(text, path.basename(file), args.line, args.character);
  // A remote completion engine (pincer.remote.completion.url, confirmed with `pincer remote allow`) needs no local model.
  const remote = await cliRemoteEngines();
  const remoteEngine = remote.configured(settings, "completion") ? await remote.engine(settings, "completion", signal) : undefined;
  const loaded = remoteEngine ? undefined : await loadEngineForCli(completionModel(settings).settings, signal, { quiet: args.json });
  try {
    // The current folder is the workspace: the model sees paths relative to it, and imports are read inside it.
    const roots = WorkspaceRoots.create([process.cwd()]);
    const service = new CompletionService({
      settings: () => settings,
      engine: async () => loaded!.engine,
      remote: async () => (remoteEngine ? new RemoteCompleter(remoteEngine) : undefined),
      workspaceFolders: () => [process.cwd()],
      roots: () => roots,
      openDocuments: () => [],
    });
    const result = await service.complete({ uri: pathToFileURL(file).href, languageId: languageIdForPath(file), text }, offsetAt(text, args.line, args.character), signal);
    if (args.json) {
      const out = { file, line: args.line, character: args.character, model: remoteEngine ? remoteEngine.model : loaded!.engine.facts.name, insertText: result.insertText, usedInfill: result.usedInfill };
      process.stdout.write(`${JSON.stringify(out)}\n`);
    } else {
      // The insert text and a newline; --json gives the exact text.
      process.stdout.write(`${result.insertText}\n`);
    }
    return result.cancelled ? EXIT_FAILURE : EXIT_OK;
  } finally {
    remote.dispose();
    await loaded?.host.dispose();
  }
}

/** A line or character past the file's end is a wrong argument (exit 2), not a place to complete at. */
function checkPosition(text: string, name: string, line: number, character: number): void {
  const lines = text.split("\n");
  if (lines.length > 1 && lines.at(-1) === "") lines.pop(); // the newline that ends the last line
  // One line past a final newline is the empty line an editor shows there.
  const lastLine = text.endsWith("\n") ? lines.length : lines.length - 1;
  if (line > lastLine) throw new UsageError(`--line ${line} is outside ${name}: it has lines 0 to ${lastLine} (0-based).`, { usage: false });
  const length = (lines[line] ?? "").replace(/\r$/, "").length;
  if (character > length) throw new UsageError(`--character ${character} is outside line ${line} of ${name}: it has characters 0 to ${length}.`, { usage: false });
}
