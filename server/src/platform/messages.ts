// The server's and the CLI's user-facing messages in each UI language Pincer has: one catalogue,
// keyed by the client's locale (LSP initialize's `locale`) or, in the CLI, by LC_ALL/LC_MESSAGES/LANG.
// English is the source; every other language must have exactly its keys (messages.test.ts).
// Log lines and errors meant for bug reports stay English.

const EN = {
  "host.starting": "Starting",
  "host.loading": "Loading the model",
  "host.noModel": 'No model is selected. Choose one with "Pincer: Select Model…".',
  "host.noModelCli": 'No model is given. Pass --model PATH (a .gguf file or hf:owner/repo/file.gguf), set $PINCER_MODEL, or set "pincer.model" in {0}.',
  "host.notDownloaded": '{0} is not downloaded yet. Download it with "Pincer: Download Model…" or `pincer download`.',
  "settings.invalid": 'Setting "{0}" has the invalid value {1}; using {2} instead.',
} as const;

export type MessageId = keyof typeof EN;
export type MessageLocale = "en" | "zh-cn";

const ZH_CN: Record<MessageId, string> = {
  "host.starting": "正在启动",
  "host.loading": "正在加载模型",
  "host.noModel": "尚未选择模型。请用“Pincer: 选择模型…”选择一个。",
  "host.noModelCli": "没有指定模型。请用 --model PATH 指定（.gguf 文件或 hf:owner/repo/file.gguf），或设置 $PINCER_MODEL，或在 {0} 中设置 \"pincer.model\"。",
  "host.notDownloaded": "{0} 还没有下载。请用“Pincer: 下载模型…”或 `pincer download` 下载。",
  "settings.invalid": "设置 \"{0}\" 的值 {1} 无效，改用 {2}。",
};

export const MESSAGES: Record<MessageLocale, Record<MessageId, string>> = { en: EN, "zh-cn": ZH_CN };

/** A message in one language, with {0}… filled in. */
export type Messages = (id: MessageId, ...args: (string | number)[]) => string;

/** The catalogue for a locale: Simplified Chinese ("zh-cn", "zh-hans", "zh-sg", "zh") or English. */
export function messageLocale(locale: string | undefined): MessageLocale {
  return /^zh(-(cn|sg|hans)(-|$)|$)/i.test(locale ?? "") ? "zh-cn" : "en";
}

/** One line for the person: which setting, the value given and the value used instead. */
export function invalidSettingMessage(messages: Messages, invalid: { key: string; value: unknown; used: unknown }): string {
  return messages("settings.invalid", invalid.key, JSON.stringify(invalid.value), JSON.stringify(invalid.used));
}

export function messagesFor(locale: string | undefined): Messages {
  const table = MESSAGES[messageLocale(locale)];
  return (id, ...args) => table[id].replace(/\{(\d+)\}/g, (match, index: string) => (args[Number(index)] === undefined ? match : String(args[Number(index)])));
}
