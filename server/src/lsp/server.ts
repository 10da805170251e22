// The LSP layer: a thin shell over the domain modules. It translates settings, trust, progress and
// cancellation between VS Code's protocol and the model host; every feature handler lives in its
// own file.
import { createConnection, MessageType, ProposedFeatures, ShowMessageNotification, TextDocuments, TextDocumentSyncKind, type Connection } from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { fileURLToPath } from "node:url";
import { detectCommandSandbox } from "../agent/sandbox/command-sandbox";
import type { CommandSandboxInfo } from "../agent/tool-types";
import { separateModelSettings } from "../completion/completion-service";
import { ModelHost } from "../host/model-host";
import { egressGuardInstalled } from "../platform/egress-guard";
import type { Logger } from "../platform/log";
import { WorkspaceFolders } from "../platform/workspace-folders";
import { WorkspaceTrust } from "../platform/workspace-trust";
import {
  invalidSettings,
  normalizeSettings,
  SERVER_VERSION,
  StatusNotification,
  TrustNotification,
  type PincerInitializationOptions,
  type PincerSettings,
  type StatusParams,
  type TrustParams,
} from "../protocol";
import { defaultCacheDir, threadCalibrationStore, workspaceStateDir } from "../store/json-store";
import { onStoreNotice } from "../store/store-notices";
import { registerAgent } from "./agent";
import { RemoteEngines } from "../remote/remote-engines";
import { registerRemoteRequests } from "./remote";
import { registerMcp } from "./mcp";
import { registerChat } from "./chat";
import { registerCodebase, type LspCodebase } from "./codebase";
import { EXECUTE_COMMANDS, registerCodeActions } from "./code-actions";
import type { ServerContext } from "./context";
import { AgentWritesInFlight, registerEditorWrites } from "./editor-writes";
import { registerGitRequests } from "./git-requests";
import { registerInlineCompletion } from "./inline-completion";
import { registerNextEdit } from "./next-edit";
import { SEQUENCE_SLOTS } from "../engine/sequence";
import { nextEditModel, separateNextEditSettings } from "../next-edit/next-edit-service";
import { workDoneLoadProgress } from "./load-progress";
import { registerModelRequests } from "./models";
import { registerOcr } from "./ocr";
import { withProtocolChecks } from "./protocol-checks";
import { disposeSharedOcr } from "../ocr/shared-service";
import { LspApiHost } from "./api-host";
import { registerTaskFiles, TASK_COMPLETION_TRIGGERS } from "./task-files";
import { registerTaskRequests } from "./task-requests";
import { registerVoice } from "./voice";
import { memoryReportLines } from "../platform/memory-report-lines";
import { invalidSettingMessage, messagesFor, type Messages } from "../platform/messages";

/** Every file, for the file-operation notifications (workspace/didCreateFiles, …). */
const ALL_FILES = { filters: [{ scheme: "file", pattern: { glob: "**/*" } }] };

/** Start the server on stdio or Node IPC, as chosen by the process arguments (--stdio / --node-ipc). */
export function startLanguageServer(): Connection {
  if (!egressGuardInstalled()) throw new Error("The egress guard must be installed before the server starts.");
  return serveLanguageServer(createConnection(ProposedFeatures.all));
}

/**
 * Registers every handler on `connection` and starts listening. The process entry passes its stdio
 * or IPC connection; handler tests pass one over an in-process stream pair (test/support/in-process-server.ts).
 */
export function serveLanguageServer(connection: Connection): Connection {
  const documents = new TextDocuments(TextDocument);
  let settings: PincerSettings = normalizeSettings({});
  let uiLocale: string | undefined;
  // The person's messages in the client's display language (initialize's locale); English until then.
  let messages: Messages = messagesFor(undefined);
  const trust = new WorkspaceTrust();
  let progressSupported = false;
  let pullConfiguration = false;
  let clientSendsFolderChanges = false;
  let storageDir: string | undefined;
  let watchFiles = false;
  let codebase: LspCodebase | undefined;
  // The one owner of the workspace folders; features ask it at call time (confinement follows changes).
  const folders = new WorkspaceFolders();

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
  const remote = new RemoteEngines();
  // pincer.api.enabled's API; made once the context it serves exists (below).
  let apiHost: LspApiHost | undefined;
  const sendStatus = () => {
    const hosts = remote.hosts(settings);
    const memory = host.status.memory;
    const remoteOnly = remote.remoteOnlyHosts(settings);
    return connection.sendNotification(StatusNotification, {
      ...host.status,
      trusted: trust.trusted,
      ...(commandSandbox ? { commandSandbox } : {}),
      ...(hosts.length > 0 ? { remote: hosts } : {}),
      ...(memory ? { memoryLines: memoryReportLines(memory, messages) } : {}),
      ...(remoteOnly ? { remoteOnly } : {}),
      ...(apiHost?.status ? { api: apiHost.status } : {}),
    } satisfies StatusParams);
  };
  const host: ModelHost = new ModelHost({
    log,
    messages: () => messages,
    onStatus: () => void sendStatus(),
    onLoadProgress: workDoneLoadProgress(connection, () => progressSupported),
    calibrationStore,
    // Next edits on the main model need a sequence of their own (not the completion's or chat's KV cache).
    slots: (next) => (next.nextEdit.enabled && !nextEditModel(next).separate ? [...SEQUENCE_SLOTS, "nextEdit"] : SEQUENCE_SLOTS),
  });
  const completionHost = new ModelHost({
    log,
    messages: () => messages,
    slots: ["completion"],
    calibrationStore,
    onStatus: (status) => {
      if (status.state === "error") log("error", `Completion model: ${status.message ?? "failed to load"}`);
    },
  });
  // The separate next-edit model (nextEdit.model), or none: idle.
  const nextEditHost = new ModelHost({
    log,
    slots: ["nextEdit"],
    calibrationStore,
    onStatus: (status) => {
      if (status.state === "error") log("error", `Next-edit model: ${status.message ?? "failed to load"}`);
    },
  });
  let modelRequests: ReturnType<typeof registerModelRequests> | undefined;
  const configureAll = async (next: PincerSettings): Promise<void> => {
    void modelRequests?.watchModels(); // follows pincer.modelsDir
    void apiHost?.apply(next.api);
    await Promise.all([host.configure(next), completionHost.configure(separateModelSettings(next)), nextEditHost.configure(separateNextEditSettings(next))]);
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
    nextEditHost,
    settings: () => settings,
    locale: () => uiLocale,
    remote,
    sendStatus: () => void sendStatus(),
    reconfigure: () => configureAll(settings),
    trust,
    workspaceFolders: () => folders.paths(),
    roots: () => folders.roots(),
    openDocumentText: (uri) => documents.get(uri)?.getText(),
    commandSandbox: detectSandbox,
    codebase: () => codebase?.service,
  };
  apiHost = new LspApiHost(context, () => void sendStatus());

  // An invalid setting value is named once per value (not at every configuration change), with the value used instead.
  const warnedSettings = new Set<string>();
  const normalizeAndWarn = (raw: unknown): PincerSettings => {
    const next = normalizeSettings(raw);
    for (const invalid of invalidSettings(raw, next)) {
      const id = JSON.stringify([invalid.key, invalid.value]);
      if (warnedSettings.has(id)) continue;
      warnedSettings.add(id);
      const message = invalidSettingMessage(messages, invalid);
      log("warn", message);
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `Pincer: ${message}` });
    }
    return next;
  };

  connection.onInitialize((params) => {
    const options = (params.initializationOptions ?? {}) as Partial<PincerInitializationOptions>;
    uiLocale = typeof params.locale === "string" ? params.locale : undefined;
    messages = messagesFor(uiLocale);
    settings = normalizeAndWarn(options.settings);
    trust.set(options.trusted === true);
    storageDir = typeof options.storageDir === "string" && options.storageDir !== "" ? options.storageDir : undefined;
    progressSupported = params.capabilities.window?.workDoneProgress === true;
    pullConfiguration = params.capabilities.workspace?.configuration === true;
    watchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    clientSendsFolderChanges = params.capabilities.workspace?.workspaceFolders === true;
    void folders.set(fileFolders(params.workspaceFolders ?? []));
    log("info", `Pincer server ${SERVER_VERSION} (pid ${process.pid}, Node ${process.versions.node}); workspace ${trust.trusted ? "trusted" : "restricted"}.`);
    return {
      serverInfo: { name: "pincer", version: SERVER_VERSION },
      capabilities: {
        // Saves and file operations are reported so that undo can tell the person's writes from an agent command's.
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        inlineCompletionProvider: true,
        codeActionProvider: { codeActionKinds: ["quickfix", "refactor", "refactor.rewrite"] },
        executeCommandProvider: { commands: EXECUTE_COMMANDS },
        completionProvider: { triggerCharacters: TASK_COMPLETION_TRIGGERS },
        hoverProvider: true,
        // Folders added or removed later reach the server (workspace/didChangeWorkspaceFolders); the
        // person's file operations reach the editor-write journal (workspace/didCreateFiles, …).
        workspace: { workspaceFolders: { supported: true, changeNotifications: true }, fileOperations: { didCreate: ALL_FILES, didDelete: ALL_FILES, didRename: ALL_FILES } },
        experimental: { pincer: { chat: true, downloadModel: true, listModels: true, status: true, completionStats: true, agent: true, nextEdit: true } },
      },
    };
  });

  connection.onInitialized(() => {
    void configureAll(settings);
    void refreshSandbox();
    void codebase?.refresh();
    if (clientSendsFolderChanges) {
      connection.workspace.onDidChangeWorkspaceFolders(({ added, removed }) => {
        const changed = folders.change(fileFolders(added), fileFolders(removed));
        // The index drops a removed folder's files now and scans an added one.
        void codebase?.refresh();
        void changed.then(() => log("info", `Workspace folders: ${folders.paths().join(", ") || "none"}.`));
      });
    }
  });

  connection.onDidChangeConfiguration(async (change) => {
    const fresh = pullConfiguration
      ? await connection.workspace.getConfiguration("pincer").catch(() => undefined)
      : (change.settings as { pincer?: unknown } | undefined)?.pincer;
    if (fresh === undefined || fresh === null) return;
    const next = normalizeAndWarn(fresh);
    // The client sends its configuration once at start-up too; only real changes are news.
    if (JSON.stringify(next) === JSON.stringify(settings)) return;
    settings = next;
    remote.retain(settings);
    log("info", "Settings changed; applying them.");
    void refreshSandbox();
    void sendStatus();
    void codebase?.refresh();
    await configureAll(settings);
  });

  // Every pincer/* request and notification registered below is checked against its schema first.
  const checked = withProtocolChecks(connection, log);
  checked.onNotification(TrustNotification, (params: TrustParams) => {
    trust.set(params.trusted);
    void sendStatus();
  });

  registerInlineCompletion(checked, documents, context);
  registerNextEdit(checked, documents, context);
  const mcp = registerMcp(checked, context, () => storageDir ?? defaultCacheDir());
  registerChat(checked, context, mcp);
  modelRequests = registerModelRequests(checked, context);
  registerOcr(checked, context);
  registerCodeActions(checked, documents, context);
  const stopTaskDiagnostics = registerTaskFiles(checked, documents);
  registerTaskRequests(checked, documents, context);
  registerGitRequests(checked, context);
  const disposeVoice = registerVoice(checked, context);
  registerRemoteRequests(checked, context);
  // The index lives in the extension's storage (or Pincer's cache), never in the workspace.
  codebase = registerCodebase(checked, context, {
    storageDir: () => storageDir ?? defaultCacheDir(),
    pullConfiguration: () => pullConfiguration,
    progressSupported: () => progressSupported,
    watchFiles: () => watchFiles,
  });
  // Checkpoints and "always allow" answers live in the extension's storage, never in the workspace.
  const agentWrites = new AgentWritesInFlight();
  registerEditorWrites(checked, documents, context, () => workspaceStateDir(), agentWrites);
  registerAgent(checked, context, () => storageDir ?? defaultCacheDir(), agentWrites, mcp);

  connection.onShutdown(async () => {
    await apiHost?.dispose();
    remote.dispose();
    modelRequests?.dispose();
    stopTaskDiagnostics();
    await Promise.all([host.dispose(), completionHost.dispose(), nextEditHost.dispose(), disposeSharedOcr(), codebase?.service.dispose(), mcp.close(), disposeVoice()]);
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}

/** The folders on disk (file: URIs) as paths; other schemes are not Pincer's to confine. */
function fileFolders(folders: readonly { uri: string }[]): string[] {
  return folders.filter((folder) => folder.uri.startsWith("file:")).map((folder) => fileURLToPath(folder.uri));
}
