// Dispatches `pincer <command>`: parses flags, resolves settings, maps errors to exit codes.
import { parseArgs } from "node:util";
import { loadCliSettings } from "./cli-settings";
import { chat } from "./commands/chat";
import { indexWorkspace, searchCodebase } from "./commands/codebase";
import { complete } from "./commands/complete";
import { doctor } from "./commands/doctor";
import { download, models, recommended } from "./commands/models";
import { ocr } from "./commands/ocr";
import { outline } from "./commands/outline";
import { run } from "./commands/run";
import { mcpList } from "./commands/mcp";
import { undo } from "./commands/undo";
import { chatTask, taskList } from "./commands/task";
import { transcribe, voiceModel } from "./commands/transcribe";
import { remoteAllow, remoteKey } from "./commands/remote";
import { serveHttp } from "./commands/serve-http";
import { AGENT_PROFILES, SERVER_VERSION, VOICE_LANGUAGES, type AgentProfile, type VoiceLanguage } from "../protocol";
import { onStoreNotice } from "../store/store-notices";
import { exitCodeForError } from "./exit-codes";
import { parseArgsError, usage, usageError } from "./usage";

export async function runCli(argv: string[]): Promise<number> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once("SIGINT", onSigint);
  const stopNotices = onStoreNotice(({ message }) => process.stderr.write(`pincer: warning: ${message}\n`));
  try {
    return await dispatch(argv, controller.signal);
  } catch (error) {
    return exitCodeForError(error, (text) => process.stderr.write(text));
  } finally {
    process.off("SIGINT", onSigint);
    stopNotices();
  }
}

async function dispatch(argv: string[], signal: AbortSignal): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "doctor": {
      const { values } = parse(rest, { model: { type: "string" }, json: { type: "boolean" } }, 0);
      return doctor(await loadCliSettings(values.model as string | undefined), values.json === true, signal);
    }
    case "complete": {
      const { values } = parse(
        rest,
        { model: { type: "string" }, file: { type: "string" }, line: { type: "string" }, character: { type: "string" }, json: { type: "boolean" } },
        0,
      );
      const file = required(values.file as string | undefined, "--file");
      const line = nonNegativeInt(required(values.line as string | undefined, "--line"), "--line");
      const character = nonNegativeInt(required(values.character as string | undefined, "--character"), "--character");
      const settings = await loadCliSettings(values.model as string | undefined);
      // --model names the model that completes, over pincer.completion.model as over pincer.model.
      const model = values.model as string | undefined;
      return complete(model ? { ...settings, completion: { ...settings.completion, model } } : settings, { file, line, character, json: values.json === true }, signal);
    }
    case "chat": {
      // With --task the prompt comes from the task file, so there is no message argument.
      const taskMode = rest.some((arg) => arg === "--task" || arg.startsWith("--task="));
      const { values, positionals } = parse(
        rest,
        { model: { type: "string" }, "max-tokens": { type: "string" }, context: { type: "string", multiple: true }, ...TASK_CHAT_OPTIONS },
        taskMode ? 0 : 1,
      );
      const maxTokens = values["max-tokens"] === undefined ? undefined : positiveInt(values["max-tokens"] as string, "--max-tokens");
      const context = values.context as unknown as string[] | undefined;
      if (taskMode) {
        if (context !== undefined) throw usageError("cli.error.contextWithoutTask");
        return chatTask(await loadCliSettings(values.model as string | undefined), { ...taskChatArgs(values), maxTokens }, signal);
      }
      if (values.input !== undefined || values.file !== undefined) throw usageError("cli.error.inputWithTask");
      return chat(await loadCliSettings(values.model as string | undefined), { message: positionals[0]!, maxTokens, context }, signal);
    }
    case "download": {
      const { values, positionals } = parse(rest, { sha256: { type: "string" }, json: { type: "boolean" } }, 1);
      const sha256 = values.sha256 as string | undefined;
      if (sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(sha256)) throw usageError("cli.error.sha256");
      return download(await loadCliSettings(undefined), { uri: positionals[0]!, sha256, json: values.json === true }, signal);
    }
    case "outline": {
      const { values, positionals } = parse(rest, { json: { type: "boolean" } }, 1);
      return outline({ file: positionals[0]!, json: values.json === true });
    }
    case "run": {
      const { values, positionals } = parse(
        rest,
        {
          workspace: { type: "string" },
          profile: { type: "string" },
          approve: { type: "string", default: "never" },
          "max-steps": { type: "string" },
          "mcp-config": { type: "string" },
          model: { type: "string" },
          json: { type: "boolean" },
        },
        1,
      );
      const profile = values.profile as string | undefined;
      if (profile !== undefined && !(AGENT_PROFILES as readonly string[]).includes(profile)) throw usageError("cli.error.profile", AGENT_PROFILES.join(", "));
      const approve = values.approve as string;
      if (approve !== "never" && approve !== "auto") throw usageError("cli.error.approve");
      const maxSteps = values["max-steps"] === undefined ? undefined : positiveInt(values["max-steps"] as string, "--max-steps");
      return run(
        await loadCliSettings(values.model as string | undefined),
        {
          workspace: required(values.workspace as string | undefined, "--workspace"),
          task: positionals[0]!,
          profile: profile as AgentProfile | undefined,
          approve,
          maxSteps,
          mcpConfig: values["mcp-config"] as string | undefined,
          json: values.json === true,
        },
        signal,
      );
    }
    case "mcp": {
      const [sub, ...mcpArgs] = rest;
      if (sub !== "list") throw (sub === undefined ? usageError("cli.error.needsSubcommand", "mcp", "list") : usageError("cli.error.unknownSubcommand", "mcp", sub));
      const { values } = parse(mcpArgs, { workspace: { type: "string" }, "mcp-config": { type: "string" }, json: { type: "boolean" } }, 0);
      return mcpList(await loadCliSettings(undefined), { workspace: values.workspace as string | undefined, mcpConfig: values["mcp-config"] as string | undefined, json: values.json === true }, signal);
    }
    case "undo": {
      const { values, positionals } = parseUpTo(rest, { workspace: { type: "string" }, json: { type: "boolean" } }, 1);
      return undo({ workspace: required(values.workspace as string | undefined, "--workspace"), runId: positionals[0], json: values.json === true }, signal);
    }
    case "ocr": {
      const { values, positionals } = parse(rest, { lang: { type: "string" }, json: { type: "boolean" } }, 1);
      const lang = values.lang as string | undefined;
      if (lang !== undefined && !/^[a-z_]+(\+[a-z_]+)*$/.test(lang)) throw usageError("cli.error.ocrLang");
      return ocr({ file: positionals[0]!, languages: lang, json: values.json === true }, signal);
    }
    case "transcribe": {
      const { values, positionals } = parse(rest, { lang: { type: "string" }, model: { type: "string" }, json: { type: "boolean" } }, 1);
      const lang = values.lang as string | undefined;
      if (lang !== undefined && !(VOICE_LANGUAGES as readonly string[]).includes(lang)) throw usageError("cli.error.voiceLang");
      const settings = await loadCliSettings(undefined);
      const model = (values.model as string | undefined) ?? process.env.PINCER_VOICE_MODEL;
      return transcribe(
        model ? { ...settings, voice: { ...settings.voice, model } } : settings,
        { file: positionals[0]!, language: lang as VoiceLanguage | undefined, json: values.json === true },
        signal,
      );
    }
    case "voice-model": {
      const { values, positionals } = parseUpTo(rest, { model: { type: "string" }, json: { type: "boolean" } }, 1);
      if (positionals[0] !== undefined && positionals[0] !== "download") throw usageError("cli.error.unknownSubcommand", "voice-model", positionals[0]);
      const settings = await loadCliSettings(undefined);
      const model = (values.model as string | undefined) ?? process.env.PINCER_VOICE_MODEL;
      return voiceModel(model ? { ...settings, voice: { ...settings.voice, model } } : settings, { download: positionals[0] === "download", json: values.json === true }, signal);
    }
    case "task": {
      const [sub, ...taskArgs] = rest;
      if (sub !== "list") throw (sub === undefined ? usageError("cli.error.needsSubcommand", "task", "list") : usageError("cli.error.unknownSubcommand", "task", sub));
      const { values } = parse(taskArgs, { json: { type: "boolean" } }, 0);
      return taskList(values.json === true, signal);
    }
    case "serve": {
      const { values } = parse(
        rest,
        {
          http: { type: "boolean" },
          host: { type: "string", default: "127.0.0.1" },
          port: { type: "string", default: "8177" },
          model: { type: "string" },
          tls: { type: "boolean" },
          "tls-cert": { type: "string" },
          "tls-key": { type: "string" },
          "token-file": { type: "string" },
          "allow-host": { type: "string", multiple: true },
          "max-body": { type: "string" },
          "max-concurrent": { type: "string" },
          "max-tokens": { type: "string" },
          "grpc-port": { type: "string" },
          "embedding-model": { type: "string" },
          workspace: { type: "string" },
          json: { type: "boolean" },
        },
        0,
      );
      if (values.http !== true) throw usageError("cli.error.serve");
      const port = nonNegativeInt(values.port as string, "--port");
      if (port > 65535) throw usageError("cli.error.port");
      const limit = (name: string) => (values[name] === undefined ? undefined : positiveInt(values[name] as string, `--${name}`));
      const limits = Object.fromEntries(
        Object.entries({ maxBodyBytes: limit("max-body"), maxConcurrent: limit("max-concurrent"), maxTokens: limit("max-tokens") }).filter(([, value]) => value !== undefined),
      );
      return serveHttp(
        await loadCliSettings(values.model as string | undefined),
        {
          host: values.host as string,
          port,
          tls: values.tls === true,
          tlsCert: values["tls-cert"] as string | undefined,
          tlsKey: values["tls-key"] as string | undefined,
          tokenFile: values["token-file"] as string | undefined,
          allowHosts: (values["allow-host"] as string[] | undefined) ?? [],
          limits,
          ...(values["grpc-port"] === undefined ? {} : { grpcPort: nonNegativeInt(values["grpc-port"] as string, "--grpc-port") }),
          ...(values["embedding-model"] === undefined ? {} : { embeddingModel: values["embedding-model"] as string }),
          ...(values.workspace === undefined ? {} : { workspace: values.workspace as string }),
          json: values.json === true,
        },
        signal,
      );
    }
    case "remote": {
      const [sub, ...remoteArgs] = rest;
      if (sub !== "allow" && sub !== "key") throw (sub === undefined ? usageError("cli.error.remoteNeedsSubcommand") : usageError("cli.error.unknownSubcommand", "remote", sub));
      const { positionals } = parse(remoteArgs, {}, 1);
      return sub === "allow" ? remoteAllow(positionals[0]!) : remoteKey(positionals[0]!, signal);
    }
    case "index": {
      const { values } = parse(rest, { workspace: { type: "string" }, "embedding-model": { type: "string" }, json: { type: "boolean" } }, 0);
      return indexWorkspace(await loadCliSettings(undefined), { workspace: values.workspace as string | undefined, embeddingModel: values["embedding-model"] as string | undefined, json: values.json === true }, signal);
    }
    case "search": {
      const { values, positionals } = parse(rest, { workspace: { type: "string" }, "embedding-model": { type: "string" }, limit: { type: "string" }, json: { type: "boolean" } }, 1);
      const limit = values.limit === undefined ? undefined : positiveInt(values.limit as string, "--limit");
      if (limit !== undefined && limit > 50) throw usageError("cli.error.limit");
      return searchCodebase(
        await loadCliSettings(undefined),
        { query: positionals[0]!, workspace: values.workspace as string | undefined, embeddingModel: values["embedding-model"] as string | undefined, limit, json: values.json === true },
        signal,
      );
    }
    case "models": {
      const { values } = parse(rest, { json: { type: "boolean" }, recommended: { type: "boolean" } }, 0);
      if (values.recommended === true) return recommended(await loadCliSettings(undefined), values.json === true);
      return models(await loadCliSettings(undefined), values.json === true);
    }
    case "version":
    case "--version":
    case "-v":
      process.stdout.write(`${SERVER_VERSION}\n`);
      return 0;
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(`${usage()}\n`);
      return 0;
    case undefined:
      throw usageError("cli.error.noCommand");
    default:
      throw usageError("cli.error.unknownCommand", command);
  }
}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>["options"];

const TASK_CHAT_OPTIONS: Options = { task: { type: "string" }, input: { type: "string", multiple: true }, file: { type: "string" } };

function taskChatArgs(values: Record<string, unknown>): { task: string; inputs: string[]; file?: string } {
  return { task: required(values.task as string | undefined, "--task"), inputs: (values.input as string[] | undefined) ?? [], file: values.file as string | undefined };
}

function parse(args: string[], options: Options, positionalCount: number): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: positionalCount > 0, strict: true });
  } catch (error) {
    throw parseArgsError(error);
  }
  if (parsed.positionals.length !== positionalCount) {
    throw (positionalCount === 0 ? usageError("cli.error.unexpectedArgument", parsed.positionals[0]!) : usageError("cli.error.expectedArguments", positionalCount));
  }
  if (positionalCount > 0 && parsed.positionals.some((p) => p.trim() === "")) throw usageError("cli.error.emptyArgument");
  return { values: parsed.values as Record<string, string | boolean | string[] | undefined>, positionals: parsed.positionals };
}

/** Like parse, but the positionals are optional (up to `maxPositionals`). */
function parseUpTo(args: string[], options: Options, maxPositionals: number): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw parseArgsError(error);
  }
  if (parsed.positionals.length > maxPositionals) throw usageError("cli.error.unexpectedArgument", parsed.positionals[maxPositionals]!);
  return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === "") throw usageError("cli.error.required", flag);
  return value;
}

function nonNegativeInt(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw usageError("cli.error.fromZero", flag);
  return Number(value);
}

function positiveInt(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || Number(value) === 0) throw usageError("cli.error.fromOne", flag);
  return Number(value);
}
