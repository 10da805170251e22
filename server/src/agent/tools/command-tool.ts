// run_command: one shell command line in the workspace folder, through the host's CommandRunner
// (OS sandbox, timeout, bounded output, scrubbed environment). Whether it may run at all, and with
// network access (`network: true` always asks in a sandbox), was decided by the permission gate
// before run() is called.
import type { ToolDefinition } from "../tool-types";
import { COMMAND_CHARS, guarded, optionalBool, optionalInt, stringArg, TEXT_CHARS, ToolArgumentError } from "./tool-support";

export function runCommandTool(options: { defaultTimeoutMs: number; maxTimeoutMs: number }): ToolDefinition {
  return {
    name: "run_command",
    description: "Run a shell command in the workspace; network: true only to download or connect.",
    parameters: {
      type: "object",
      properties: {
        command: { type: "string", maxLength: COMMAND_CHARS },
        timeout_s: { type: "integer", minimum: 1, maximum: Math.floor(options.maxTimeoutMs / 1000) },
        network: { type: "boolean" },
      },
      required: ["command"],
    },
    effect: "command",
    targets: (args) => ({ paths: [], command: stringArg(args, "command"), ...(optionalBool(args, "network") === true ? { network: true } : {}) }),
    run: (args, context) =>
      guarded(async () => {
        const command = stringArg(args, "command");
        if (command.trim() === "") throw new ToolArgumentError("the command is empty");
        const root = context.roots.roots[0];
        if (!root) throw new ToolArgumentError("no workspace folder is open");
        const seconds = optionalInt(args, "timeout_s", 1, Math.floor(options.maxTimeoutMs / 1000));
        const timeoutMs = seconds !== undefined ? seconds * 1000 : options.defaultTimeoutMs;
        const network = optionalBool(args, "network") === true;
        const run = await context.commands.run(command, { cwd: root.path, timeoutMs, signal: context.signal, ...(network ? { network } : {}) });
        context.signal.throwIfAborted();
        const status = run.timedOut ? `timed out after ${Math.round(timeoutMs / 1000)} s (process tree killed)` : run.killedBy ? `killed by ${run.killedBy}` : `exit code ${run.exitCode}`;
        return {
          ok: !run.timedOut && run.exitCode === 0,
          observation: `${status}\n${run.output.trimEnd() || "(no output)"}`,
          details: { exitCode: run.exitCode, timedOut: run.timedOut, truncated: run.truncated, ...(run.killedBy ? { killedBy: run.killedBy } : {}) },
        };
      }),
  };
}

export function askUserTool(): ToolDefinition {
  return {
    name: "ask_user",
    description: "Ask the person a question when you cannot decide alone.",
    parameters: { type: "object", properties: { question: { type: "string", maxLength: TEXT_CHARS } }, required: ["question"] },
    effect: "ask-user",
    targets: () => ({ paths: [] }),
    run: (args, context) =>
      guarded(async () => {
        const question = stringArg(args, "question").trim();
        if (question === "") throw new ToolArgumentError("the question is empty");
        if (!context.askUser) return { ok: false, observation: "nobody can answer here (headless run); decide yourself or finish with what you have" };
        const answer = await context.askUser(question, context.signal);
        if (answer === undefined || answer.trim() === "") return { ok: false, observation: "no answer" };
        return { ok: true, observation: `answer: ${answer}` };
      }),
  };
}
