// The CLI reads the same `pincer.*` settings as the extension, from a JSON file, so scripts and
// CI can pin a model without flags.
import { promises as fs } from "node:fs";
import { localeFromEnv } from "../chat/answer-language";
import { settingsFilePath } from "../platform/config-path";
import { invalidSettingMessage, messagesFor } from "../platform/messages";
import { invalidSettings, normalizeSettings, unflattenPincerKeys, type PincerSettings } from "../protocol";
import { UsageError } from "./usage";

export { settingsFilePath };

export async function loadCliSettings(
  modelFlag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = (message) => process.stderr.write(`pincer: warning: ${message}\n`),
): Promise<PincerSettings> {
  const file = settingsFilePath(env);
  let raw: Record<string, unknown> = {};
  try {
    raw = JSON.parse(await fs.readFile(file, "utf8")) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new UsageError(`Cannot read the settings file ${file}: ${(error as Error).message}`);
    }
  }
  const nested = unflattenPincerKeys(raw);
  const settings = normalizeSettings(nested);
  const messages = messagesFor(localeFromEnv(env));
  for (const invalid of invalidSettings(nested, settings)) warn(`${invalidSettingMessage(messages, invalid)} (${file})`);
  const model = modelFlag ?? env.PINCER_MODEL ?? settings.model;
  return { ...settings, model };
}
