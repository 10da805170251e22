// The LSP layer: a thin shell over the domain modules. It translates settings, trust, progress and
// cancellation between VS Code's protocol and the model host; every feature handler lives in its
// own file.
import { createConnection, MessageType, ProposedFeatures, ShowMessageNotification, TextDocuments, TextDocumentSyncKind, type Connection } from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { fileURLToPath } from "node:url";
import { detectCommandSandbox } from "../agent/sandbox/command-sandbox";
import type { CommandSandboxInfo } from "../agent/tool-types";
import { ModelHost } from "../host/model-host";
import { egressGuardInstalled } from "../platform/egress-guard";
import type { Logger } from "../platform/log";
import {
  normalizeSettings,
  StatusNotification,
  TrustNotification,
  type PincerInitializationOptions,
  type PincerSettings,
  type StatusParams,
  type TrustParams,
} from "../protocol";
import { defaultCacheDir, threadCalibrationStore } from "../store/json-store";
import { onStoreNotice } from "../store/store-notices";
import { registerAgent } from "./agent";
import { registerChat } from "./chat";
import { EXECUTE_COMMANDS, registerCodeActions } from "./code-actions";
import type { ServerContext } from "./context";
import { registerGitRequests } from "./git-requests";
import { registerInlineCompletion } from "./inline-completion";
import { workDoneLoadProgress } from "./load-progress";
import { registerModelRequests } from "./models";
import { registerOcr } from "./ocr";
import { withProtocolChecks } from "./protocol-checks";
import { disposeSharedOcr } from "../ocr/shared-service";
import { registerTaskFiles, TASK_COMPLETION_TRIGGERS } from "./task-files";
import { registerTaskRequests } from "./task-requests";
import { registerVoice } from "./voice";

export const SERVER_VERSION = "0.1.0";

/** Start the server on stdio or Node IPC, as chosen by the process arguments (--stdio / --node-ipc). */
export function startLanguageServer(): Connection {
  if (!egressGuardInstalled()) throw new Error("The egress guard must be installed before the server starts.");
  const connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);
  let settings: PincerSettings = normalizeSettings({});
  let trusted = false;
  let progressSupported = false;
  let pullConfiguration = false;
  let workspaceFolders: string[] = [];
  let storageDir: string | undefined;

  // The client's log channel stamps time and level itself.
  const log: Logger = (level, message) => {
    if (level === "error") connection.console.error(message);
    else if (level === "warn") connection.console.warn(message);
    else if (level === "info") connection.console.info(message);
    else connection.console.log(message);
  };

  // A damaged store that was kept aside is news for the person, not only for the log.
  onStoreNotice(({ message }) => {
    log("warn", message);
    // A notification: window.showWarningMessage is a request, and its rejection (a client that
    // does not answer it) must not become an unhandled error.
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `Pincer: ${message}` });
  });

  // One store for both hosts: two writers of the same file could lose each other's updates.
  const calibrationStore = threadCalibrationStore(defaultCacheDir());
  let commandSandbox: CommandSandboxInfo | undefined;
  const sendStatus = () => connection.sendNotification(StatusNotification, { ...host.status, trusted, ...(commandSandbox ? { commandSandbox } : {}) } satisfies StatusParams);
  const host: ModelHost = new ModelHost({
    log,
    onStatus: () => void sendStatus(),
    onLoadProgress: workDoneLoadProgress(connection, () => progressSupported),
    calibrationStore,
  });
  const completionHost = new ModelHost({
    log,
    slots: ["completion"],
    calibrationStore,
    onStatus: (status) => {
      if (status.state === "error") log("error", `Completion model: ${status.message ?? "failed to load"}`);
    },
  });
  const configureAll = async (next: PincerSettings): Promise<void> => {
    await Promise.all([host.configure(next), completionHost.configure({ ...next, model: next.completion.model })]);
  };
  const detectSandbox = () => detectCommandSandbox({ setting: settings.agent.sandbox });
  // The status bar shows it; a missing sandbox is said once per change (log and status), not per command.
  const refreshSandbox = async (): Promise<void> => {
    const info = (await detectSandbox()).info;
    if (JSON.stringify(info) === JSON.stringify(commandSandbox)) return;
    commandSandbox = info;
    if (info.kind === "none") {
      log("warn", `Agent commands run without a sandbox: ${info.reason ?? "unavailable"}. ${info.required ? 'They are refused (pincer.agent.sandbox is "required").' : "Only the command rules apply."}`);
    } else log("info", `Agent commands run in a sandbox (${info.kind}).`);
    void sendStatus();
  };
  const context: ServerContext = {
    log,
    host,
    completionHost,
    settings: () => settings,
    reconfigure: () => configureAll(settings),
    trusted: () => trusted,
    workspaceFolders: () => workspaceFolders,
    openDocumentText: (uri) => documents.get(uri)?.getText(),
    commandSandbox: detectSandbox,
  };

  connection.onInitialize((params) => {
    const options = (params.initializationOptions ?? {}) as Partial<PincerInitializationOptions>;
    settings = normalizeSettings(options.settings);
    trusted = options.trusted === true;
    storageDir = typeof options.storageDir === "string" && options.storageDir !== "" ? options.storageDir : undefined;
    progressSupported = params.capabilities.window?.workDoneProgress === true;
    pullConfiguration = params.capabilities.workspace?.configuration === true;
    workspaceFolders = (params.workspaceFolders ?? []).filter((f) => f.uri.startsWith("file:")).map((f) => fileURLToPath(f.uri));
    log("info", `Pincer server ${SERVER_VERSION} (pid ${process.pid}, Node ${process.versions.node}); workspace ${trusted ? "trusted" : "restricted"}.`);
    return {
      serverInfo: { name: "pincer", version: SERVER_VERSION },
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        inlineCompletionProvider: true,
        codeActionProvider: { codeActionKinds: ["quickfix", "refactor", "refactor.rewrite"] },
        executeCommandProvider: { commands: EXECUTE_COMMANDS },
        completionProvider: { triggerCharacters: TASK_COMPLETION_TRIGGERS },
        hoverProvider: true,
        experimental: { pincer: { chat: true, downloadModel: true, listModels: true, status: true, completionStats: true, agent: true } },
      },
    };
  });

  connection.onInitialized(() => {
    void configureAll(settings);
    void refreshSandbox();
  });

  connection.onDidChangeConfiguration(async (change) => {
    const fresh = pullConfiguration
      ? await connection.workspace.getConfiguration("pincer").catch(() => undefined)
      : (change.settings as { pincer?: unknown } | undefined)?.pincer;
    if (fresh === undefined || fresh === null) return;
    const next = normalizeSettings(fresh);
    // The client sends its configuration once at start-up too; only real changes are news.
    if (JSON.stringify(next) === JSON.stringify(settings)) return;
    settings = next;
    log("info", "Settings changed; applying them.");
    void refreshSandbox();
    await configureAll(settings);
  });

  // Every pincer/* request and notification registered below is checked against its schema first.
  const checked = withProtocolChecks(connection, log);
  checked.onNotification(TrustNotification, (params: TrustParams) => {
    trusted = params.trusted;
    void sendStatus();
  });

  registerInlineCompletion(checked, documents, context);
  registerChat(checked, context);
  registerModelRequests(checked, context);
  registerOcr(checked, context);
  registerCodeActions(checked, documents, context);
  registerTaskFiles(checked, documents);
  registerTaskRequests(checked, documents, context);
  registerGitRequests(checked, context);
  const disposeVoice = registerVoice(checked, context);
  // Checkpoints and "always allow" answers live in the extension's storage, never in the workspace.
  registerAgent(checked, context, () => storageDir ?? defaultCacheDir());

  connection.onShutdown(async () => {
    await Promise.all([host.dispose(), completionHost.dispose(), disposeSharedOcr(), disposeVoice()]);
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}
