// What every LSP handler may use: the model host and the current settings.
import type { ModelHost } from "../host/model-host";
import type { PincerSettings } from "../protocol";

export interface ServerContext {
  host: ModelHost;
  settings(): PincerSettings;
  trusted(): boolean;
  /** Workspace folder paths, for showing the model workspace-relative paths. */
  workspaceFolders(): readonly string[];
}
