// The `pincer` command line is a public interface: commands, flags, exit codes and JSON shapes are
// documented in README.md and must stay stable.
import { PincerError } from "../platform/errors";
import { AGENT_PROFILES } from "../protocol";
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1; // missing or bad model, failed download, runtime error
export const EXIT_USAGE = 2; // bad arguments
export const EXIT_BUDGET_STOP = 3; // pincer run stopped on a step, token, time or context budget
export const EXIT_APPROVAL_NEEDED = 4; // pincer run needed an approval it could not get (--approve never)

/** The command line itself is wrong: exit code 2 and (unless the message says all) the usage text. */
export class UsageError extends PincerError {
  override name = "UsageError";
  readonly showUsage: boolean;
  constructor(message: string, options: { usage?: boolean } = {}) {
    super(message, "invalid-params");
    this.showUsage = options.usage !== false;
  }
}

export const USAGE = `Usage: pincer <command> [options]

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
  run --workspace W [--profile ${AGENT_PROFILES.join("|")}] [--approve never|auto] [--max-steps N]
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
3 agent stopped on a budget, 4 agent needed an approval it could not get.`;
