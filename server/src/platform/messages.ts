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
  // The memory report (status bar tooltip): {0} sizes like "512 MB".
  "memory.resident": "Memory: {0} resident now",
  "memory.model": "model: expected {0}, measured {1}",
  "memory.window": "{0} window ({1}): expected {2}, {3}",
  "memory.shape": "{0} tokens, {1} KV cache",
  "memory.shapeSequences": "{0} × {1} tokens, {2} KV cache",
  "memory.measured": "measured {0}",
  "memory.notCreated": "not created yet",
  "memory.released": "released while idle",
  "memory.feature.completion": "completion",
  "memory.feature.chat": "chat",
  "memory.feature.agent": "agent",
  "memory.feature.nextEdit": "nextEdit",
  // OCR notes: made in English (the model reads them beside the text, and the cache keeps them); the LSP and
  // the CLI show them to the person in their language (translateNote).
  "ocr.imageScaled": "The image ({0} x {1}) was scaled to {2} x {3} for OCR.",
  "ocr.pageLimit": "Only the first {0} of {1} pages were processed (page limit).",
  // pincer --help (and after a usage error); {0}: the agent profiles.
  "cli.usage": `Usage: pincer <command> [options]

Commands:
  --version                                    The version of pincer
  doctor [--model M] [--json]                  Node, platform, backend and GPU, threads, model facts
  complete --model M --file F --line L --character C [--json]
                                               Text Pincer would insert at 0-based line/character
  chat [--model M] [--max-tokens N] [--context FILE]... "message"
                                               Stream a reply to stdout; each --context FILE
                                               (inside the current folder; images and PDFs via OCR) is attached
  chat --task NAME [--input name=value]... [--file F]
                                               Run a task from .pincer/tasks (edit tasks print the code)
  task list [--json]                           Task files in .pincer/tasks/*.pincer.md
  download URI [--sha256 HEX] [--json]         Download a model (hf:owner/repo/file.gguf or https URL)
  models [--json]                              List downloaded models
  models --recommended [--json]                Models recommended for this machine: size, memory,
                                               fit (RAM/VRAM), estimated tokens/s
  outline FILE [--json]                        Definitions in a source file (tree-sitter); lines from 1; --json: 0-based ranges
  ocr FILE [--lang eng+chi_sim] [--json]       Text of an image or PDF as Markdown (OCR, on this machine)
  transcribe FILE [--lang auto|zh|en] [--model base|small|PATH] [--json]
                                               Speech in a WAV, MP3 or FLAC file as text (Whisper, on this machine)
  voice-model [download] [--model base|small] [--json]
                                               Where the Whisper model is; download it (pinned sha256)
  index [--workspace W] [--embedding-model M] [--json]
                                               Build or update the codebase index of W (default: .)
  search "query" [--workspace W] [--limit N] [--embedding-model M] [--json]
                                               Search the codebase index (keywords, and meaning with M)
  run --workspace W [--profile {0}] [--approve never|auto] [--max-steps N]
      [--mcp-config FILE] [--model M] [--json] "task"
                                               Let the agent do a task in workspace W (with the
                                               MCP servers of FILE, mcp.json shape, besides the settings')
  mcp list [--workspace W] [--mcp-config FILE] [--json]
                                               MCP servers, their state and tools (workspace ones
                                               are listed, never started: they need approval in VS Code)
  undo --workspace W [RUN_ID] [--json]         Put back what an agent run changed (default: the newest run)
  remote allow URL                             Confirm a remote engine (pincer.remote.<role>.url) for the CLI
  remote key URL < keyfile                     Store its API key (read from stdin; empty removes it)
  serve --stdio | --node-ipc                   Run the language server
  serve --http [--host H] [--port N] [--model M] [--tls | --tls-cert F --tls-key F] [--allow-host NAME]...
        [--token-file F] [--max-body BYTES] [--max-concurrent N] [--max-tokens N] [--grpc-port N]
        [--embedding-model E] [--workspace W] [--json]
                                               OpenAI-compatible API (/v1/models, /v1/chat/completions
                                               with tools, /v1/completions, /v1/embeddings with E;
                                               with W: /pincer/v1/ocr and /pincer/v1/agent/runs);
                                               bearer token in a 0600 file (path printed); a
                                               non-loopback --host needs TLS 1.3; --grpc-port: gRPC
                                               (proto/pincer.proto) on the same host and TLS

Model resolution: --model, then $PINCER_MODEL, then "pincer.model" in the settings file
($PINCER_SETTINGS, default ~/.config/pincer/settings.json). Remote engines: "pincer.remote.chat.url"
(and .completion, .agent) in that file; confirmations and keys in remote-endpoints.json beside it (0600).
Exit codes: 0 ok, 1 failure (model missing or bad, an input file missing or unreadable), 2 bad arguments,
3 agent stopped on a budget, 4 agent needed an approval it could not get.`,
  // pincer's usage errors (cli/usage.ts usageError: made in English, printed in the terminal's language).
  "cli.error.noCommand": "no command given.",
  "cli.error.unknownCommand": 'unknown command "{0}".',
  "cli.error.remoteNeedsSubcommand": "remote needs a subcommand: allow or key.",
  "cli.error.needsSubcommand": "{0} needs a subcommand: {1}.",
  "cli.error.unknownSubcommand": 'unknown {0} subcommand "{1}".',
  "cli.error.unexpectedArgument": 'unexpected argument "{0}".',
  "cli.error.expectedArguments": "expected {0} argument(s).",
  "cli.error.emptyArgument": "empty argument.",
  "cli.error.required": "{0} is required.",
  "cli.error.fromZero": "{0} takes a number from 0 up.",
  "cli.error.fromOne": "{0} takes a number from 1 up.",
  "cli.error.unknownOption": 'unknown option "{0}" (a positional argument that starts with "-" goes at the end, after "--").',
  "cli.error.optionNeedsValue": "{0} needs a value.",
  "cli.error.optionTakesNoValue": "{0} takes no value.",
  "cli.error.contextWithoutTask": "--context goes without --task: a task file names its own context.",
  "cli.error.inputWithTask": "--input and --file go with --task.",
  "cli.error.sha256": "--sha256 takes 64 hex digits.",
  "cli.error.profile": "--profile takes {0}.",
  "cli.error.approve": "--approve takes never or auto.",
  "cli.error.ocrLang": "--lang takes language codes joined by +, e.g. eng+chi_sim.",
  "cli.error.voiceLang": "--lang takes auto, zh or en.",
  "cli.error.serve": "serve takes --stdio, --node-ipc or --http.",
  "cli.error.port": "--port takes 0 to 65535.",
  "cli.error.limit": "--limit takes a number from 1 to 50.",
  // The approval card (agent/approval-shown.ts): the permission gate's reasons stay English for the model and the
  // transcript; the card shows them in the person's language. Verbs: what summarize() in agent/permissions.ts writes.
  "approval.run": "Run `{0}`",
  "approval.toolWithPaths": "{0}: {1}",
  "approval.tool.edit_file": "edit file",
  "approval.tool.create_file": "create file",
  "approval.tool.delete_file": "delete file",
  "approval.tool.rename_file": "rename file",
  "approval.tool.git_commit": "git commit",
  "approval.tool.render_chart": "render chart",
  "approval.tool.render_document": "render document",
  "permission.mcpSetting": 'setting: MCP {0}/{1} is "{2}"',
  "permission.setting": 'setting: {0} is "{1}"',
  "permission.profile": 'profile "{0}": {1} is "{2}"',
  "permission.sendAlwaysAsks": "sending always asks, with the whole message shown; no setting allows it",
  "permission.messageInvisible": "the message contains {0} invisible Unicode character(s), shown as <U+…> escapes",
  "permission.protectedVia": "{0} is protected configuration ({1}) by way of {2}: writes always ask",
  "permission.protected": "{0} is protected configuration ({1}): writes always ask",
  "permission.remembered": 'allowed before with "always" in this workspace',
  "permission.namesProtected": "names protected configuration: {0}",
  "permission.network": "asks for network access (the sandbox has none otherwise)",
  "permission.notAllowedXargs": "{0}: not in the allow list (runs with extra arguments from xargs)",
  "permission.notAllowed": "{0}: not in the allow list",
  "permission.dynamic": "{0}: contains expansions or substitutions that cannot be checked before it runs",
  "permission.noCommandName": "{0}: no command name (bare assignment or redirect)",
  "permission.askRule": '{0}: matches ask rule "{1}"',
  "permission.redirectUnchecked": "{0}: redirect {1} to a target that cannot be checked",
  "permission.writesTo": "{0}: writes to {1}",
  "permission.sets": "{0}: sets {1}",
  "permission.cannotAnalyse": "cannot analyse the command: {0}",
  "permission.invalidRules": "invalid command rules: {0}",
  // Why a recommended model fits or not; the client shows it after "it" ("… does not fit this machine: it {1}").
  "fit.needs": "needs about {0}",
  "fit.gpu": "{0}; {1} of GPU memory are free ({2})",
  "fit.tooLarge": "{0}, more than {1}% of this machine's {2} RAM",
  "fit.tight": "{0}; {1} of RAM are free now: close other programs first",
  "fit.cpu": "{0}; {1} of RAM are free",
  // What each recommended model is good for (models/catalog.ts ids; the catalogue's English is the JSON's).
  "purpose.qwen2.5-coder-0.5b": "fastest: quick completions on any machine, simple chat",
  "purpose.qwen2.5-coder-1.5b": "balanced: completion, chat and small agent tasks on a laptop CPU",
  "purpose.qwen2.5-coder-7b": "best answers: chat and agent work, wants a GPU or a fast CPU with 16 GB",
  "purpose.qwen2.5-coder-0.5b-base": "a separate fast fill-in-the-middle model for inline completion beside a larger chat model (sets pincer.completion.model)",
  "purpose.nomic-embed-text-v1.5": "codebase search: meaning, not only keywords (sets pincer.index.embeddingModel)",
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
  "memory.resident": "内存：当前常驻 {0}",
  "memory.model": "模型：预计 {0}，实测 {1}",
  "memory.window": "{0}窗口（{1}）：预计 {2}，{3}",
  "memory.shape": "{0} 个 token，{1} KV 缓存",
  "memory.shapeSequences": "{0} × {1} 个 token，{2} KV 缓存",
  "memory.measured": "实测 {0}",
  "memory.notCreated": "尚未创建",
  "memory.released": "空闲时已释放",
  "memory.feature.completion": "补全",
  "memory.feature.chat": "聊天",
  "memory.feature.agent": "智能体",
  "memory.feature.nextEdit": "下一处编辑",
  "ocr.imageScaled": "图像（{0} x {1}）已缩放为 {2} x {3} 再做 OCR。",
  "ocr.pageLimit": "只处理了 {1} 页中的前 {0} 页（页数上限）。",
  "cli.usage": `用法：pincer <命令> [选项]

命令：
  --version                                    pincer 的版本
  doctor [--model M] [--json]                  Node、平台、后端与 GPU、线程、模型信息
  complete --model M --file F --line L --character C [--json]
                                               Pincer 会在第 L 行第 C 列（从 0 起）插入的文本
  chat [--model M] [--max-tokens N] [--context FILE]... "消息"
                                               把回答流式输出到 stdout；每个 --context FILE
                                               （须在当前文件夹内；图片和 PDF 经 OCR）作为附件
  chat --task NAME [--input name=value]... [--file F]
                                               运行 .pincer/tasks 中的任务（编辑类任务输出代码）
  task list [--json]                           .pincer/tasks/*.pincer.md 中的任务文件
  download URI [--sha256 HEX] [--json]         下载模型（hf:owner/repo/file.gguf 或 https URL）
  models [--json]                              列出已下载的模型
  models --recommended [--json]                适合本机的推荐模型：大小、内存、
                                               是否装得下（内存/显存）、预计每秒 token 数
  outline FILE [--json]                        源文件中的定义（tree-sitter）；行号从 1 起；--json：范围从 0 起
  ocr FILE [--lang eng+chi_sim] [--json]       图片或 PDF 的文字，输出为 Markdown（OCR，在本机完成）
  transcribe FILE [--lang auto|zh|en] [--model base|small|PATH] [--json]
                                               WAV、MP3 或 FLAC 文件中的语音转为文字（Whisper，在本机完成）
  voice-model [download] [--model base|small] [--json]
                                               Whisper 模型的位置；下载它（固定 sha256）
  index [--workspace W] [--embedding-model M] [--json]
                                               建立或更新 W 的代码库索引（默认：.）
  search "查询" [--workspace W] [--limit N] [--embedding-model M] [--json]
                                               搜索代码库索引（关键词；有 M 时也按语义）
  run --workspace W [--profile {0}] [--approve never|auto] [--max-steps N]
      [--mcp-config FILE] [--model M] [--json] "任务"
                                               让智能体在工作区 W 中完成任务（除设置中的
                                               MCP 服务器外，还使用 FILE 中的，格式同 mcp.json）
  mcp list [--workspace W] [--mcp-config FILE] [--json]
                                               MCP 服务器及其状态和工具（工作区的服务器只列出、
                                               从不启动：它们须在 VS Code 中批准）
  undo --workspace W [RUN_ID] [--json]         恢复一次智能体运行所做的更改（默认：最近一次）
  remote allow URL                             为命令行确认一个远程引擎（pincer.remote.<role>.url）
  remote key URL < keyfile                     保存其 API 密钥（从 stdin 读取；为空则删除）
  serve --stdio | --node-ipc                   运行语言服务器
  serve --http [--host H] [--port N] [--model M] [--tls | --tls-cert F --tls-key F] [--allow-host NAME]...
        [--token-file F] [--max-body BYTES] [--max-concurrent N] [--max-tokens N] [--grpc-port N]
        [--embedding-model E] [--workspace W] [--json]
                                               OpenAI 兼容 API（/v1/models、带工具的 /v1/chat/completions、
                                               /v1/completions、有 E 时 /v1/embeddings；
                                               有 W 时：/pincer/v1/ocr 和 /pincer/v1/agent/runs）；
                                               bearer 令牌保存在 0600 文件中（会输出路径）；
                                               非回环 --host 需要 TLS 1.3；--grpc-port：gRPC
                                               （proto/pincer.proto），与 REST 同一主机与 TLS

模型的确定顺序：--model，然后 $PINCER_MODEL，然后设置文件中的 "pincer.model"
（$PINCER_SETTINGS，默认 ~/.config/pincer/settings.json）。远程引擎：该文件中的 "pincer.remote.chat.url"
（以及 .completion、.agent）；确认记录和密钥保存在同目录的 remote-endpoints.json 中（0600）。
退出码：0 成功，1 失败（模型缺失或有误、输入文件缺失或无法读取），2 参数错误，
3 智能体因预算而停止，4 智能体需要批准但无法获得。`,
  "cli.error.noCommand": "没有给出命令。",
  "cli.error.unknownCommand": "未知命令“{0}”。",
  "cli.error.remoteNeedsSubcommand": "remote 需要一个子命令：allow 或 key。",
  "cli.error.needsSubcommand": "{0} 需要一个子命令：{1}。",
  "cli.error.unknownSubcommand": "未知的 {0} 子命令“{1}”。",
  "cli.error.unexpectedArgument": "多余的参数“{0}”。",
  "cli.error.expectedArguments": "需要 {0} 个参数。",
  "cli.error.emptyArgument": "参数不能为空。",
  "cli.error.required": "必须提供 {0}。",
  "cli.error.fromZero": "{0} 须为 0 或更大的整数。",
  "cli.error.fromOne": "{0} 须为 1 或更大的整数。",
  "cli.error.unknownOption": "未知选项“{0}”（以“-”开头的位置参数请放在命令末尾的“--”之后）。",
  "cli.error.optionNeedsValue": "{0} 需要一个值。",
  "cli.error.optionTakesNoValue": "{0} 不接受值。",
  "cli.error.contextWithoutTask": "--context 不能与 --task 同用：任务文件自己指定上下文。",
  "cli.error.inputWithTask": "--input 和 --file 须与 --task 一起使用。",
  "cli.error.sha256": "--sha256 须为 64 位十六进制数字。",
  "cli.error.profile": "--profile 可取的值：{0}。",
  "cli.error.approve": "--approve 可取 never 或 auto。",
  "cli.error.ocrLang": "--lang 须为用 + 连接的语言代码，例如 eng+chi_sim。",
  "cli.error.voiceLang": "--lang 可取 auto、zh 或 en。",
  "cli.error.serve": "serve 须带 --stdio、--node-ipc 或 --http 之一。",
  "cli.error.port": "--port 须在 0 到 65535 之间。",
  "cli.error.limit": "--limit 须为 1 到 50 之间的数。",
  "approval.run": "运行 `{0}`",
  "approval.toolWithPaths": "{0}：{1}",
  "approval.tool.edit_file": "编辑文件",
  "approval.tool.create_file": "新建文件",
  "approval.tool.delete_file": "删除文件",
  "approval.tool.rename_file": "重命名文件",
  "approval.tool.git_commit": "git 提交",
  "approval.tool.render_chart": "生成图表",
  "approval.tool.render_document": "生成文档",
  "permission.mcpSetting": "设置：MCP {0}/{1} 为 \"{2}\"",
  "permission.setting": "设置：{0} 为 \"{1}\"",
  "permission.profile": "配置档 \"{0}\"：{1} 为 \"{2}\"",
  "permission.sendAlwaysAsks": "发送前总会询问并显示完整邮件；任何设置都不能免去这一步",
  "permission.messageInvisible": "邮件含有 {0} 个不可见的 Unicode 字符，已显示为 <U+…> 转义",
  "permission.protectedVia": "{0} 经由 {2} 指向受保护的配置（{1}）：写入总会询问",
  "permission.protected": "{0} 是受保护的配置（{1}）：写入总会询问",
  "permission.remembered": "此前已在此工作区选择“始终允许”",
  "permission.namesProtected": "命令中提到了受保护的配置：{0}",
  "permission.network": "请求网络访问（否则沙箱中没有网络）",
  "permission.notAllowedXargs": "{0}：不在允许列表中（通过 xargs 带额外参数运行）",
  "permission.notAllowed": "{0}：不在允许列表中",
  "permission.dynamic": "{0}：含有运行前无法检查的展开或替换",
  "permission.noCommandName": "{0}：没有命令名（只有赋值或重定向）",
  "permission.askRule": "{0}：匹配询问规则 \"{1}\"",
  "permission.redirectUnchecked": "{0}：重定向 {1} 的目标无法检查",
  "permission.writesTo": "{0}：写入 {1}",
  "permission.sets": "{0}：设置了 {1}",
  "permission.cannotAnalyse": "无法分析该命令：{0}",
  "permission.invalidRules": "命令规则无效：{0}",
  "fit.needs": "需要约 {0}",
  "fit.gpu": "{0}；GPU 显存空闲 {1}（{2}）",
  "fit.tooLarge": "{0}，超过本机 {2} 内存的 {1}%",
  "fit.tight": "{0}；当前空闲内存仅 {1}：请先关闭其他程序",
  "fit.cpu": "{0}；空闲内存 {1}",
  "purpose.qwen2.5-coder-0.5b": "最快：在任何机器上都能快速补全，也能简单聊天",
  "purpose.qwen2.5-coder-1.5b": "均衡：在笔记本 CPU 上补全、聊天并完成小型智能体任务",
  "purpose.qwen2.5-coder-7b": "回答最好：聊天和智能体工作，需要 GPU 或 16 GB 内存的高速 CPU",
  "purpose.qwen2.5-coder-0.5b-base": "独立的快速中间填充（FIM）模型，与更大的聊天模型搭配做行内补全（设置 pincer.completion.model）",
  "purpose.nomic-embed-text-v1.5": "代码库搜索：按语义，而不只是关键词（设置 pincer.index.embeddingModel）",
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

/**
 * An English message made from one of `ids` (e.g. an OCR note the cache kept), in `messages`' language:
 * the English template is matched and its values filled into the other language's. Text that matches
 * none is returned as it is.
 */
export function translateNote(english: string, ids: readonly MessageId[], messages: Messages): string {
  for (const id of ids) {
    const template = EN[id];
    const order = [...template.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1]));
    const pattern = new RegExp(`^${template.split(/\{\d+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("(.+?)")}$`);
    const match = pattern.exec(english);
    if (!match) continue;
    const args: string[] = [];
    order.forEach((index, i) => (args[index] = match[i + 1]!));
    return messages(id, ...args);
  }
  return english;
}

/** Whether `id` is a catalogue key (for keys made from data, e.g. a recommended model's id). */
export function isMessageId(id: string): id is MessageId {
  return Object.hasOwn(EN, id);
}

export function messagesFor(locale: string | undefined): Messages {
  const table = MESSAGES[messageLocale(locale)];
  return (id, ...args) => table[id].replace(/\{(\d+)\}/g, (match, index: string) => (args[Number(index)] === undefined ? match : String(args[Number(index)])));
}
