// The `pincer` command line is a public interface: commands, flags, exit codes and JSON shapes are
// documented in README.md and must stay stable.
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1; // missing or bad model, failed download, runtime error
export const EXIT_USAGE = 2; // bad arguments
export const EXIT_BUDGET_STOP = 3; // pincer run stopped on a step, token, time or context budget
export const EXIT_APPROVAL_NEEDED = 4; // pincer run needed an approval it could not get (--approve never)

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const USAGE = `Usage: pincer <command> [options]

Commands:
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
  outline FILE [--json]                        Definitions in a source file (tree-sitter)
  ocr FILE [--lang eng+chi_sim] [--json]       Text of an image or PDF as Markdown (OCR, on this machine)
  transcribe FILE [--lang auto|zh|en] [--model base|small|PATH] [--json]
                                               Speech in a WAV, MP3 or FLAC file as text (Whisper, on this machine)
  voice-model [download] [--model base|small] [--json]
                                               Where the Whisper model is; download it (pinned sha256)
  run --workspace W [--profile read-only|edit|full] [--approve never|auto] [--max-steps N]
      [--model M] [--json] "task"              Let the agent do a task in workspace W
  undo --workspace W [RUN_ID] [--json]         Put back what an agent run changed (default: the newest run)
  serve --stdio | --node-ipc                   Run the language server

Model resolution: --model, then $PINCER_MODEL, then "pincer.model" in the settings file
($PINCER_SETTINGS, default ~/.config/pincer/settings.json).
Exit codes: 0 ok, 1 model missing/bad or failure, 2 bad arguments,
3 agent stopped on a budget, 4 agent needed an approval it could not get.`;
