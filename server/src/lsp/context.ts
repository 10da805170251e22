// What every LSP handler may use: the model host and the current settings.
import type { CommandSandbox } from "../agent/sandbox/command-sandbox";
import type { CodebaseService } from "../codebase/codebase-service";
import type { ModelHost } from "../host/model-host";
import type { Logger } from "../platform/log";
import type { WorkspaceTrust } from "../platform/workspace-trust";
import type { WorkspaceRoots } from "../platform/workspace-paths";
import type { PincerSettings } from "../protocol";
import type { RemoteEngines } from "../remote/remote-engines";

export interface ServerContext {
  host: ModelHost;
  /** Holds the separate completion model when `completion.model` is set; idle otherwise. */
  completionHost: ModelHost;
  /** Holds the separate next-edit model when `nextEdit.model` is set and next edits are on; idle otherwise. */
  nextEditHost: ModelHost;
  settings(): PincerSettings;
  /** VS Code's display language from initialize (e.g. "zh-cn"); undefined before it or when not sent. */
  locale(): string | undefined;
  /** Remote engines per role, and the endpoints the person confirmed. */
  remote: RemoteEngines;
  /** Send the status again (the remote hosts in use changed). */
  sendStatus(): void;
  /** Apply the current settings again (after a download made a configured model available). */
  reconfigure(): Promise<void>;
  /** Workspace Trust: every Restricted Mode check asks it (trust.require(action) throws its refusal). */
  trust: WorkspaceTrust;
  log: Logger;
  /** The text of a document open in the editor (with unsaved changes), or undefined when it is not open. */
  openDocumentText(uri: string): string | undefined;
  /** Workspace folder paths, for showing the model workspace-relative paths. */
  workspaceFolders(): readonly string[];
  /** The workspace folders as confinement roots (resolved once per folder list). */
  roots(): Promise<WorkspaceRoots>;
  /** The OS sandbox agent commands run in, for the current `pincer.agent.sandbox` (detected once per value). */
  commandSandbox(): Promise<CommandSandbox>;
  /** The codebase index (search_code, @codebase, completion context); undefined before it is set up. */
  codebase?: () => CodebaseService | undefined;
}
