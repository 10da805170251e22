// Which language the chat answers in (pincer.chat.language). "auto" follows the UI language: VS
// Code's display language (LSP initialize's `locale`) or, in the CLI, LC_ALL / LC_MESSAGES / LANG.
// Only a language Pincer names explicitly is put in the system prompt; otherwise the model answers
// in the language the person writes in, as it always did.
import type { ChatLanguageSetting } from "../protocol";
import { messageLocale } from "../platform/messages";
import { SYSTEM_PROMPT } from "./system-prompt";

export type AnswerLanguage = "en" | "zh-cn";

const INSTRUCTIONS: Record<AnswerLanguage, string> = {
  en: "Answer in English unless the user asks for another language.",
  "zh-cn": "Answer in Simplified Chinese (简体中文) unless the user asks for another language; keep code, identifiers and commands as they are.",
};

/** The answer language for a setting and a UI locale (e.g. "zh-cn", "en-us"); undefined: the model follows the person. */
export function answerLanguage(setting: ChatLanguageSetting, uiLocale: string | undefined): AnswerLanguage | undefined {
  if (setting !== "auto") return setting;
  return isSimplifiedChinese(uiLocale) ? "zh-cn" : undefined;
}

export function isSimplifiedChinese(locale: string | undefined): boolean {
  return messageLocale(locale) === "zh-cn";
}

/** The chat's system prompt with the answer language's instruction, when there is one. */
export function systemPrompt(language: AnswerLanguage | undefined): string {
  return language ? `${SYSTEM_PROMPT} ${INSTRUCTIONS[language]}` : SYSTEM_PROMPT;
}

/** The CLI's UI locale from the POSIX variables ("zh_CN.UTF-8" → "zh-cn"); undefined for C/POSIX or none. */
export function localeFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env.LC_ALL || env.LC_MESSAGES || env.LANG || "";
  const match = /^([a-z]{2,3})(?:_([A-Za-z]{2,4}))?/.exec(value);
  if (!match || value === "C" || value.startsWith("C.") || value === "POSIX") return undefined;
  return match[2] ? `${match[1]}-${match[2]}`.toLowerCase() : match[1]!.toLowerCase();
}
