// pincer chat: stream a reply to stdout as it is generated. Context files (--context, confined to
// the current folder) are attached; what did not fit the window is named on stderr.
import { answerLanguage, localeFromEnv } from "../../chat/answer-language";
import { ChatService } from "../../chat/chat-service";
import { readFileAttachments } from "../../chat/file-attachments";
import { cliLogger } from "../../platform/log";
import { WorkspaceRoots } from "../../platform/workspace-paths";
import type { PincerSettings } from "../../protocol";
import { chatModelFor } from "../../remote/role-models";
import { loadEngineForCli } from "../load-engine";
import { cliRemoteEngines } from "../remote-file";
import { EXIT_FAILURE, EXIT_OK } from "../usage";

export async function chat(settings: PincerSettings, args: { message: string; maxTokens?: number; context?: readonly string[] }, signal: AbortSignal): Promise<number> {
  const roots = await WorkspaceRoots.create([process.cwd()]);
  const attachments = await readFileAttachments(roots, args.context ?? []);
  // A remote chat engine (pincer.remote.chat.url, confirmed with `pincer remote allow`) needs no local model.
  const remote = await cliRemoteEngines();
  let loaded: Awaited<ReturnType<typeof loadEngineForCli>> | undefined;
  try {
    const model = (chatSignal: AbortSignal) => chatModelFor(settings, remote, async () => (loaded = await loadEngineForCli(settings, chatSignal)).engine, chatSignal);
    const service = new ChatService({ model, store: () => undefined, roots: async () => roots, warn: (m) => cliLogger()("warn", m), answerLanguage: () => answerLanguage(settings.chat.language, localeFromEnv()) });
    const result = await service.send({ id: "cli", message: args.message, attachments, maxTokens: args.maxTokens }, { signal, onText: (text) => process.stdout.write(text) });
    process.stdout.write("\n");
    const report = result.context;
    if (report && report.leftOut.length > 0) process.stderr.write(`pincer: left out (did not fit the ${report.windowTokens}-token window): ${report.leftOut.join(", ")}\n`);
    return result.stopReason === "cancelled" ? EXIT_FAILURE : EXIT_OK;
  } finally {
    remote.dispose();
    await loaded?.host.dispose();
  }
}
