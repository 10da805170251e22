// pincer/remote/allow and /revoke: the endpoints the person confirmed in the client (with their keys
// from SecretStorage). A thin layer over remote/remote-engines.ts.
import type { Connection } from "vscode-languageserver";
import { RemoteAllowRequest, RemoteRevokeRequest, type RemoteAllowResult } from "../protocol";
import type { ServerContext } from "./context";

export function registerRemoteRequests(connection: Connection, context: ServerContext): void {
  connection.onRequest(RemoteAllowRequest, (params): RemoteAllowResult => {
    const endpoint = context.remote.allow(params.url, params.apiKey);
    context.log("info", `Remote engine ${endpoint.origin} confirmed${endpoint.plain ? " (plain http on a private network)" : ""}.`);
    context.sendStatus();
    return { origin: endpoint.origin };
  });
  connection.onRequest(RemoteRevokeRequest, (params) => {
    context.remote.revoke(params.url);
    context.sendStatus();
    return null;
  });
}
