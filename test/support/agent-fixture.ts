// The scripted agent over a real LSP connection, as the LSP agent suites drive it: a temp folder with a
// workspace, the model seam (PINCER_AGENT_SCRIPT = a JSON file of scripted answers), the real server, and a
// client that answers approvals, records events and terminal output, saves and applies edits as VS Code would.
// One copy, so each suite says only what is its own: settings, environment, files, approval answer, hooks.
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ApplyWorkspaceEditRequest, type ApplyWorkspaceEditParams, type CancellationTokenSource, type ProtocolConnection } from "vscode-languageserver-protocol/node";
import {
  AgentApproveRequest,
  AgentEventNotification,
  AgentRunRequest,
  AgentSaveRequest,
  AgentTerminalNotification,
  type AgentApproveParams,
  type AgentEvent,
  type AgentEventParams,
  type AgentRunParams,
  type AgentRunResult,
  type AgentTerminalParams,
  type ApprovalAnswer,
  type PincerSettings,
} from "../../server/src/protocol";
import { applyEditToDisk } from "./apply-edit";
import { startTestServer, type TestServer } from "./lsp-client";

export interface AgentFixtureDirs {
  /** The real path of the fixture's temp folder (storage and the script file live here). */
  tempDir: string;
  /** tempDir/ws, the one workspace folder. */
  workspace: string;
}

export interface AgentFixtureOptions {
  /** Start of the temp folder's name. */
  tempPrefix: string;
  settings: Partial<PincerSettings> | ((dirs: AgentFixtureDirs) => Partial<PincerSettings>);
  /** More environment for the server, beside PINCER_CACHE_DIR and PINCER_AGENT_SCRIPT. */
  env?: NodeJS.ProcessEnv;
  /** Runs once the workspace folder exists, before the server starts: the suite's files and folders. */
  prepare?: (dirs: AgentFixtureDirs) => Promise<void>;
  /** The first answer to every approval; the suite may change `fixture.answer` later. */
  answer?: ApprovalAnswer;
  /** Assert that every text edit the server sends replaces the whole document. */
  wholeDocument?: boolean;
  /** After the save request's URIs are recorded: what else the client does on a save. */
  onSave?: (uris: string[], connection: ProtocolConnection) => Promise<void>;
  /** After a workspace edit is written to disk: what else the client does. */
  onApplied?: (params: ApplyWorkspaceEditParams, connection: ProtocolConnection) => Promise<void>;
  /** The suite's own handlers, registered before the server is ready. */
  register?: (connection: ProtocolConnection) => void;
  /** Run ids are `${runIdPrefix}-1`, `-2`, …; default "run". */
  runIdPrefix?: string;
  /** The request text of every run; default "do the task". */
  request?: string;
}

export interface AgentFixture {
  readonly server: TestServer;
  readonly tempDir: string;
  readonly workspace: string;
  readonly scriptFile: string;
  /** Every approval the server asked for (never cleared by the fixture). */
  readonly approvals: AgentApproveParams[];
  /** The current run's events (cleared when a run starts). */
  readonly events: AgentEvent[];
  /** Every terminal notification (never cleared by the fixture). */
  readonly terminal: AgentTerminalParams[];
  /** Every URI the server asked the client to save. */
  readonly saved: string[];
  /** Every workspace edit the server sent. */
  readonly appliedEdits: ApplyWorkspaceEditParams[];
  answer: ApprovalAnswer;
  onTerminal: ((params: AgentTerminalParams) => void) | undefined;
  file(name: string): string;
  read(name: string): Promise<string>;
  /** Writes the script the model will answer with, then sends the run request. */
  run(script: unknown[], options?: { token?: CancellationTokenSource; extra?: Partial<AgentRunParams> }): Promise<AgentRunResult>;
  start(): Promise<void>;
  /** Stops the server and removes the temp folder. */
  stop(): Promise<void>;
}

/** A fixture whose records exist at once (to destructure in a describe); call start() in before(). */
export function agentFixture(options: AgentFixtureOptions): AgentFixture {
  let server: TestServer | undefined;
  let dirs: AgentFixtureDirs | undefined;
  let runs = 0;
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the agent fixture is not started (${what})`);
    return value;
  };
  const fixture: AgentFixture = {
    get server() {
      return started(server, "server");
    },
    get tempDir() {
      return started(dirs, "tempDir").tempDir;
    },
    get workspace() {
      return started(dirs, "workspace").workspace;
    },
    get scriptFile() {
      return path.join(fixture.tempDir, "script.json");
    },
    approvals: [],
    events: [],
    terminal: [],
    saved: [],
    appliedEdits: [],
    answer: options.answer ?? "approve",
    onTerminal: undefined,
    file: (name) => path.join(fixture.workspace, name),
    read: (name) => fs.readFile(fixture.file(name), "utf8"),
    async run(script, { token, extra } = {}) {
      await fs.writeFile(fixture.scriptFile, JSON.stringify(script));
      fixture.events.length = 0;
      const params: AgentRunParams = { id: `${options.runIdPrefix ?? "run"}-${++runs}`, request: options.request ?? "do the task", ...extra };
      const connection = fixture.server.connection;
      return token ? connection.sendRequest(AgentRunRequest, params, token.token) : connection.sendRequest(AgentRunRequest, params);
    },
    async start() {
      const tempDir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), options.tempPrefix)));
      dirs = { tempDir, workspace: path.join(tempDir, "ws") };
      await fs.mkdir(dirs.workspace);
      await options.prepare?.(dirs);
      const settings = typeof options.settings === "function" ? options.settings(dirs) : options.settings;
      server = await startTestServer({
        settings,
        env: { PINCER_CACHE_DIR: path.join(tempDir, "storage"), PINCER_AGENT_SCRIPT: fixture.scriptFile, ...options.env },
        workspaceFolders: [dirs.workspace],
      });
      const connection = server.connection;
      connection.onRequest(AgentApproveRequest, (params: AgentApproveParams) => {
        fixture.approvals.push(params);
        return { answer: fixture.answer };
      });
      connection.onNotification(AgentEventNotification, (params: AgentEventParams) => void fixture.events.push(params.event));
      connection.onNotification(AgentTerminalNotification, (params: AgentTerminalParams) => {
        fixture.terminal.push(params);
        fixture.onTerminal?.(params);
      });
      connection.onRequest(AgentSaveRequest, async (params: { uris: string[] }) => {
        fixture.saved.push(...params.uris);
        await options.onSave?.(params.uris, connection);
      });
      connection.onRequest(ApplyWorkspaceEditRequest.type, async (params: ApplyWorkspaceEditParams) => {
        fixture.appliedEdits.push(params);
        await applyEditToDisk(params, { wholeDocument: options.wholeDocument });
        await options.onApplied?.(params, connection);
        return { applied: true };
      });
      options.register?.(connection);
      await server.waitForLog(/Pincer server/);
    },
    async stop() {
      await server?.stop();
      if (dirs) await fs.rm(dirs.tempDir, { recursive: true, force: true });
    },
  };
  return fixture;
}
