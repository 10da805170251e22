// The server's status (pincer/server/status) for every part of the client that follows it. A language
// client has one handler per notification, so extension.ts registers it once and publishes here.
import type * as vscode from "vscode";
import type { StatusParams } from "../../server/src/protocol";

type StatusListener = (status: StatusParams) => void;
const statusListeners = new Set<StatusListener>();

/** extension.ts passes every pincer/server/status here. */
export function publishStatus(status: StatusParams): void {
  for (const listener of statusListeners) listener(status);
}

export function onStatus(listener: StatusListener): vscode.Disposable {
  statusListeners.add(listener);
  return { dispose: () => statusListeners.delete(listener) };
}
