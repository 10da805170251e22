// MCP in VS Code: one hub per server process (stopped at shutdown), pincer/mcp/list for the quick
// pick, pincer/mcp/resources for the chat's @ picker, a workspace server's approval as a client
// request (the card shows the pinned entry), and `${input:…}` values from the client's SecretStorage.
import type { Connection } from "vscode-languageserver";
import { McpApprovalStore } from "../mcp/mcp-approvals";
import { McpHub, type McpScope } from "../mcp/mcp-hub";
import {
  McpApproveServerRequest,
  McpInputRequest,
  McpListRequest,
  McpResourcesRequest,
  type McpApproveServerResult,
  type McpInputResult,
  type McpListResult,
  type McpResourcesResult,
} from "../protocol";
import { toAbortSignal } from "./cancellation";
import type { ServerContext } from "./context";

export interface LspMcp {
  hub(): McpHub;
  /** What the hub needs for this workspace now: settings, folders, trust, and the client for approvals and inputs. */
  scope(): Promise<McpScope>;
  close(): Promise<void>;
}

export function registerMcp(connection: Connection, context: ServerContext, storageDir: () => string): LspMcp {
  let hub: McpHub | undefined;
  const lspMcp: LspMcp = {
    hub: () => (hub ??= new McpHub({ log: context.log, approvals: new McpApprovalStore(storageDir()) })),
    scope: async () => ({
      settings: context.settings().mcp,
      folders: context.workspaceFolders(),
      roots: await context.roots(),
      trusted: context.trust.trusted,
      approve: async (params, signal) => {
        signal.throwIfAborted();
        // A client that cannot show the card (or fails) refuses: the server does not start.
        const result = (await connection.sendRequest(McpApproveServerRequest, params).catch(() => null)) as Partial<McpApproveServerResult> | null;
        // The client's answer is input: only "approve" approves.
        return result?.answer === "approve";
      },
      input: async (input, signal) => {
        signal.throwIfAborted();
        const result = (await connection.sendRequest(McpInputRequest, input).catch(() => null)) as Partial<McpInputResult> | null;
        return typeof result?.value === "string" ? result.value : undefined;
      },
    }),
    close: async () => {
      await hub?.close();
    },
  };
  connection.onRequest(McpListRequest, async (_params, token): Promise<McpListResult> => {
    const signal = toAbortSignal(token);
    return { servers: await lspMcp.hub().list(await lspMcp.scope(), true, signal) };
  });
  // The chat's @ picker: resources of the servers that may run; nobody is asked to approve a server for it.
  connection.onRequest(McpResourcesRequest, async (_params, token): Promise<McpResourcesResult> => {
    const signal = toAbortSignal(token);
    return { resources: await lspMcp.hub().resources(await lspMcp.scope(), signal) };
  });
  return lspMcp;
}
