// A Pseudoterminal per run_command, fed by the server's pincer/agent/terminal notifications. The
// process runs in the server (bounded output for the model, timeout, tree kill on cancel); the
// terminal only shows its live output. Output that arrives before VS Code opens the terminal is kept.
import * as vscode from "vscode";
import type { AgentTerminalParams } from "../../../server/src/protocol";

class CommandTerminal {
  private readonly write = new vscode.EventEmitter<string>();
  private readonly pending: string[] = [];
  private opened = false;
  readonly terminal: vscode.Terminal;

  constructor(readonly name: string, command: string, cwd: string) {
    const pty: vscode.Pseudoterminal = {
      onDidWrite: this.write.event,
      open: () => {
        this.opened = true;
        for (const text of this.pending.splice(0)) this.write.fire(text);
      },
      close: () => this.write.dispose(),
    };
    this.terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon("robot") });
    this.print(`\x1b[2m${cwd}\x1b[0m\r\n$ ${command}\r\n`);
  }

  /** Terminals want CRLF; a bare LF would only move down a line. */
  output(text: string): void {
    this.print(text.replace(/\r?\n/g, "\r\n"));
  }

  exit(params: Extract<AgentTerminalParams, { kind: "exit" }>): void {
    const how = params.timedOut ? `timed out${params.killedBy ? ` (${params.killedBy})` : ""}` : params.killedBy ? `stopped (${params.killedBy})` : `exit code ${params.exitCode ?? "?"}`;
    this.print(`\r\n\x1b[2m[${how}]\x1b[0m\r\n`);
  }

  private print(text: string): void {
    if (this.opened) this.write.fire(text);
    else this.pending.push(text);
  }
}

export class AgentTerminals implements vscode.Disposable {
  private readonly byTerminalId = new Map<string, CommandTerminal>();

  /** Handles one notification; returns the terminal's name when it started one. */
  handle(params: AgentTerminalParams): string | undefined {
    if (params.kind === "start") {
      const terminal = new CommandTerminal(params.name, params.command, params.cwd);
      this.byTerminalId.set(params.terminalId, terminal);
      terminal.terminal.show(true);
      return terminal.name;
    }
    const terminal = this.byTerminalId.get(params.terminalId);
    if (!terminal) return undefined;
    if (params.kind === "output") terminal.output(params.text);
    else terminal.exit(params);
    return undefined;
  }

  /** Focuses the terminal of a command; false when the person closed it. */
  show(terminalId: string): boolean {
    const terminal = this.byTerminalId.get(terminalId);
    if (!terminal || terminal.terminal.exitStatus !== undefined) return false;
    terminal.terminal.show(false);
    return true;
  }

  dispose(): void {
    this.byTerminalId.clear();
  }
}
