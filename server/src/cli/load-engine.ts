// The CLI loads the model through the same host the server uses, with a progress bar on stderr.
import { ModelHost, NoModelError } from "../host/model-host";
import type { Engine } from "../engine/engine";
import { stderrLogger } from "../platform/log";
import type { PincerSettings } from "../protocol";
import { defaultCacheDir, threadCalibrationStore } from "../store/json-store";
import { ProgressBar } from "./progress-bar";

export class ModelUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelUnavailableError";
  }
}

export async function loadEngineForCli(settings: PincerSettings, options: { quiet?: boolean } = {}): Promise<{ host: ModelHost; engine: Engine }> {
  const bar = new ProgressBar("Loading model");
  const host = new ModelHost({
    log: stderrLogger(process.env.PINCER_LOG === "debug" ? "debug" : "warn"),
    calibrationStore: threadCalibrationStore(defaultCacheDir()),
    onLoadProgress: (event) => {
      if (options.quiet) return;
      if (event.kind === "report") bar.update(event.fraction, event.message);
      if (event.kind === "end") bar.finish("");
    },
  });
  await host.configure(settings);
  try {
    return { host, engine: await host.requireEngine() };
  } catch (error) {
    await host.dispose();
    if (error instanceof NoModelError) throw new ModelUnavailableError(error.message);
    throw error;
  }
}
