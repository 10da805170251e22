// pincer complete: the text Pincer would insert at a 0-based position, from the same service as ghost
// text: the completion model (`completion.model` when set), and the definitions the file imports as context.
import { promises as fs } from "node:fs";
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
      process.stdout.write(result.insertText);
      if (process.stdout.isTTY) process.stdout.write("\n");
    }
    return result.cancelled ? EXIT_FAILURE : EXIT_OK;
  } finally {
    remote.dispose();
    await loaded?.host.dispose();
  }
}
