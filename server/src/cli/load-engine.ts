// The CLI loads the model through the same host the server uses, with a progress bar on stderr.
import type { Engine } from "../engine/engine";
import { ModelHost } from "../host/model-host";
import { cliLogger } from "../platform/log";
import type { PincerSettings } from "../protocol";
import { defaultCacheDir, threadCalibrationStore } from "../store/json-store";
import { localeFromEnv } from "../chat/answer-language";
import { messagesFor } from "../platform/messages";
import { settingsFilePath } from "./cli-settings";
import { ProgressBar } from "./progress-bar";

export async function loadEngineForCli(settings: PincerSettings, signal: AbortSignal, options: { quiet?: boolean } = {}): Promise<{ host: ModelHost; engine: Engine }> {
  const bar = new ProgressBar("Loading model");
  const host = new ModelHost({
    log: cliLogger(),
    calibrationStore: threadCalibrationStore(defaultCacheDir()),
    noModelMessage: cliNoModelMessage(),
    messages: () => messagesFor(localeFromEnv()),
    logLoadErrors: false, // the error reaches the caller and is printed once (exit-codes.ts)
    onLoadProgress: (event) => {
      if (options.quiet) return;
      if (event.kind === "report") bar.update(event.fraction, event.message);
      if (event.kind === "end") bar.finish("");
    },
  });
  await host.configure(settings);
  try {
    return { host, engine: await host.requireEngine(signal) };
  } catch (error) {
    await host.dispose();
    throw error;
  }
}

/** The CLI's ways to give a model, in the order they are used. */
export function cliNoModelMessage(env: NodeJS.ProcessEnv = process.env): string {
  return messagesFor(localeFromEnv(env))("host.noModelCli", settingsFilePath(env));
}
