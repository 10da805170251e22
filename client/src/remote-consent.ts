// Remote engines in the client: the person confirms each endpoint of pincer.remote.<role>.url once
// (kept in globalState), its API key lives in SecretStorage, and the server hears of both through
// pincer/remote/allow after every start and every settings change. Nothing is sent to an endpoint
// the person did not confirm: the server refuses to connect to it.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { REMOTE_ROLES, RemoteAllowRequest, type RemoteRole } from "../../server/src/protocol";
import { readSettings } from "./settings";

const CONSENTS_KEY = "pincer.remote.confirmedOrigins";
const secretName = (origin: string) => `pincer.remote.apiKey:${origin}`;

function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return undefined;
  }
}

/** The configured endpoints, with the roles that use each. */
function configuredEndpoints(): Map<string, { url: string; roles: RemoteRole[] }> {
  const settings = readSettings();
  const endpoints = new Map<string, { url: string; roles: RemoteRole[] }>();
  for (const role of REMOTE_ROLES) {
    const url = settings.remote?.[role]?.url?.trim() ?? "";
    const origin = url ? originOf(url) : undefined;
    if (!origin) continue;
    const entry = endpoints.get(origin) ?? { url, roles: [] };
    entry.roles.push(role);
    endpoints.set(origin, entry);
  }
  return endpoints;
}

export function registerRemoteConsent(context: vscode.ExtensionContext, client: LanguageClient): vscode.Disposable {
  const confirmed = () => new Set(context.globalState.get<string[]>(CONSENTS_KEY, []));

  const sync = async (): Promise<void> => {
    for (const [origin, { url, roles }] of configuredEndpoints()) {
      if (!confirmed().has(origin)) {
        const plain = origin.startsWith("http:");
        const allow = vscode.l10n.t("Allow");
        const answer = await vscode.window.showWarningMessage(
          vscode.l10n.t("Pincer: send your code and prompts ({0}) to {1}?", roles.join(", "), origin),
          {
            modal: true,
            detail:
              vscode.l10n.t("pincer.remote.*.url names this server. Pincer connects to it only once you allow it, and to nothing else.") +
              (plain ? ` ${vscode.l10n.t("The connection is plain http (not encrypted): allow it only on a private network you trust.")}` : ""),
          },
          allow,
        );
        if (answer !== allow) continue;
        await context.globalState.update(CONSENTS_KEY, [...confirmed(), origin]);
      }
      const apiKey = await context.secrets.get(secretName(origin));
      try {
        await client.sendRequest(RemoteAllowRequest, { url, ...(apiKey ? { apiKey } : {}) });
      } catch (error) {
        void vscode.window.showErrorMessage(`Pincer: ${(error as Error).message}`);
      }
    }
  };

  const setKey = async (): Promise<void> => {
    const origins = [...configuredEndpoints().keys()];
    if (origins.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t("Pincer: no remote engine is set (pincer.remote.completion/chat/agent.url)."));
      return;
    }
    const origin = origins.length === 1 ? origins[0] : await vscode.window.showQuickPick(origins, { placeHolder: vscode.l10n.t("The remote engine the key is for") });
    if (!origin) return;
    const key = await vscode.window.showInputBox({ prompt: vscode.l10n.t("API key for {0} (kept in VS Code's secret storage; empty removes it)", origin), password: true, ignoreFocusOut: true });
    if (key === undefined) return;
    if (key === "") await context.secrets.delete(secretName(origin));
    else await context.secrets.store(secretName(origin), key);
    await sync();
  };

  return vscode.Disposable.from(
    client.onDidChangeState((event) => {
      if (event.newState === 2 /* State.Running */) void sync();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("pincer.remote")) void sync();
    }),
    vscode.commands.registerCommand("pincer.remote.setApiKey", setKey),
  );
}
