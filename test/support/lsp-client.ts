// Talks LSP to a Pincer server the way VS Code does. startTestServer runs the real bundled server
// (`dist/server/main.mjs serve --stdio`) as a process; in-process-server.ts runs the server's source
// in this process over a stream pair. Both give the same client side (connectTestClient).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  InitializeRequest,
  InitializedNotification,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgressCreateRequest,
  ConfigurationRequest,
  DidChangeWorkspaceFoldersNotification,
  type InitializeResult,
  type ProtocolConnection,
} from "vscode-languageserver-protocol/node";
import { DEFAULT_SETTINGS, StatusNotification, type PincerInitializationOptions, type PincerSettings, type StatusParams } from "../../server/src/protocol";
import { repoRoot } from "./test-model";

export const SERVER_BUNDLE = path.join(repoRoot, "dist", "server", "main.mjs");

/** The client side of a test connection, whichever way the server runs. */
export interface TestClient {
  connection: ProtocolConnection;
  initializeResult: InitializeResult;
  statuses: StatusParams[];
  progressTokensCreated: number;
  logs: string[];
  /** window/showMessage notifications: what the person would see as notifications. */
  shownMessages: { type: number; message: string }[];
  /** Settings answered to workspace/configuration pulls; change, then send didChangeConfiguration. */
  settings: Partial<PincerSettings>;
  waitForStatus(predicate: (s: StatusParams) => boolean, what: string, timeoutMs?: number): Promise<StatusParams>;
  /** Resolves when a server log line matches. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves when a window/showMessage notification matches. */
  waitForShownMessage(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** workspace/didChangeWorkspaceFolders, as VS Code sends it when a folder is added or removed. */
  changeWorkspaceFolders(change: { added?: string[]; removed?: string[] }): Promise<void>;
  stop(): Promise<void>;
}

/** A server process and its client side. */
export interface TestServer extends TestClient {
  process: ChildProcess;
  stderr: () => string;
}

export interface TestClientOptions {
  settings: Partial<PincerSettings>;
  /** VS Code's display language, as initialize's `locale` (e.g. "zh-cn"). */
  locale?: string;
  trusted?: boolean;
  workspaceFolders?: string[];
}

/** Listens on `connection`, answers what VS Code answers (configuration, progress), and initializes the server. */
export async function connectTestClient(connection: ProtocolConnection, options: TestClientOptions & { processId: number | null }): Promise<Omit<TestClient, "stop">> {
  // The codebase index runs only where a test asks for it: elsewhere it would index the test's folder
  // into the home cache and load the CPU under timing-sensitive tests.
  options = { ...options, settings: { index: { ...DEFAULT_SETTINGS.index, enabled: false }, ...options.settings } };
  const statuses: StatusParams[] = [];
  const waiters = new Set<() => void>();
  const logs: string[] = [];
  const shownMessages: { type: number; message: string }[] = [];
  const client: Partial<TestClient> = { connection, statuses, logs, shownMessages, progressTokensCreated: 0, settings: options.settings };
  const wakeAll = () => {
    for (const wake of [...waiters]) wake();
  };
  connection.onNotification(StatusNotification, (status: StatusParams) => {
    statuses.push(status);
    wakeAll();
  });
  connection.onNotification("window/logMessage", (params: { message: string }) => {
    logs.push(params.message);
    wakeAll();
  });
  connection.onNotification("window/showMessage", (params: { type: number; message: string }) => {
    shownMessages.push(params);
    wakeAll();
  });
  connection.onRequest(WorkDoneProgressCreateRequest.method, () => {
    client.progressTokensCreated!++;
    return null;
  });
  connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => client.settings));
  connection.listen();

  const initOptions: PincerInitializationOptions = { settings: options.settings, trusted: options.trusted ?? true };
  const initializeResult = await connection.sendRequest(InitializeRequest.type, {
    processId: options.processId,
    rootUri: null,
    workspaceFolders: options.workspaceFolders?.map((folder) => ({ uri: pathToFileURL(folder).href, name: path.basename(folder) })) ?? null,
    capabilities: { window: { workDoneProgress: true }, workspace: { configuration: true, applyEdit: true, workspaceEdit: { documentChanges: true }, workspaceFolders: true } },
    initializationOptions: initOptions,
    ...(options.locale ? { locale: options.locale } : {}),
  });
  await connection.sendNotification(InitializedNotification.type, {});

  /**
   * Resolves with find()'s first defined answer, re-asked on each status and log notification;
   * rejects after timeoutMs with "Timed out waiting for <describe()>".
   */
  function waitFor<T>(find: () => T | undefined, describe: () => string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found === undefined) return false;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`Timed out waiting for ${describe()}`));
      }, timeoutMs);
      if (!check()) waiters.add(check);
    });
  }

  return Object.assign(client, {
    initializeResult,
    waitForStatus(predicate: (s: StatusParams) => boolean, what: string, timeoutMs = 20_000) {
      return waitFor(() => statuses.find(predicate), () => `status: ${what}. Seen: ${JSON.stringify(statuses)}`, timeoutMs);
    },
    waitForLog(pattern: RegExp, timeoutMs = 20_000) {
      return waitFor(() => logs.find((line) => pattern.test(line)), () => `a log line matching ${pattern}. Logs: ${logs.join("\n")}`, timeoutMs);
    },
    waitForShownMessage(pattern: RegExp, timeoutMs = 20_000) {
      return waitFor(
        () => shownMessages.find((m) => pattern.test(m.message))?.message,
        () => `a shown message matching ${pattern}. Shown: ${shownMessages.map((m) => m.message).join("\n")}`,
        timeoutMs,
      );
    },
    changeWorkspaceFolders(change: { added?: string[]; removed?: string[] }) {
      const folder = (dir: string) => ({ uri: pathToFileURL(dir).href, name: path.basename(dir) });
      return connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, { event: { added: (change.added ?? []).map(folder), removed: (change.removed ?? []).map(folder) } });
    },
  }) as Omit<TestClient, "stop">;
}

export async function startTestServer(options: TestClientOptions & { env?: NodeJS.ProcessEnv }): Promise<TestServer> {
  if (!existsSync(SERVER_BUNDLE)) throw new Error(`${SERVER_BUNDLE} is missing; run \`npm run build\` first.`);
  const child = spawn(process.execPath, [SERVER_BUNDLE, "serve", "--stdio"], {
    cwd: repoRoot,
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, ...options.env },
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const client = await connectTestClient(connection, { ...options, processId: process.pid });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const waitForStatus = client.waitForStatus;
  return Object.assign(client, {
    process: child,
    stderr: () => stderr,
    // A status that never comes is often explained by the server's stderr.
    waitForStatus: (predicate: (s: StatusParams) => boolean, what: string, timeoutMs?: number) =>
      waitForStatus(predicate, what, timeoutMs).catch((error: Error) => {
        throw new Error(`${error.message}\nstderr: ${stderr}`);
      }),
    async stop() {
      if (child.exitCode === null) {
        await Promise.race([connection.sendRequest("shutdown").then(() => connection.sendNotification("exit")), exited]).catch(() => undefined);
        const killTimer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(killTimer);
      }
      connection.dispose();
    },
  }) as TestServer;
}
