// pincer chat: stream a reply to stdout as it is generated.
import { ask } from "../../chat/ask";
import type { PincerSettings } from "../../protocol";
import { loadEngineForCli } from "../load-engine";
import { EXIT_FAILURE, EXIT_OK } from "../usage";

export async function chat(settings: PincerSettings, args: { message: string; maxTokens?: number }, signal: AbortSignal): Promise<number> {
  const { host, engine } = await loadEngineForCli(settings);
  try {
    const result = await ask(engine, args.message, { maxTokens: args.maxTokens, signal, onText: (text) => process.stdout.write(text) });
    process.stdout.write("\n");
    return result.stopReason === "cancelled" ? EXIT_FAILURE : EXIT_OK;
  } finally {
    await host.dispose();
  }
}
