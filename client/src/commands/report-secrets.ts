// The report tools' passwords (SMTP, databases) from VS Code's SecretStorage: the server asks when a tool
// needs one (protocol/report.ts); a password not kept yet is asked once with a password box and kept, so
// it never lands in settings.json or in Pincer's connections.json.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { ReportSecretRequest, reportSecretKey, type ReportSecretParams, type ReportSecretResult } from "../../../server/src/protocol";

export function registerReportSecrets(client: LanguageClient, secrets: vscode.SecretStorage): vscode.Disposable {
  return client.onRequest(ReportSecretRequest, (params: ReportSecretParams) => reportSecret(params, secrets));
}

async function reportSecret(params: ReportSecretParams, secrets: vscode.SecretStorage): Promise<ReportSecretResult> {
  const key = reportSecretKey(params);
  const stored = await secrets.get(key);
  if (stored !== undefined) return { value: stored };
  const prompt =
    params.kind === "smtp"
      ? vscode.l10n.t("Password of {0} for the mail server {1} (kept in VS Code's secret storage)", params.user, params.name)
      : vscode.l10n.t("Password of {0} for the database connection \"{1}\" (kept in VS Code's secret storage)", params.user, params.name);
  const value = await vscode.window.showInputBox({ title: vscode.l10n.t("Pincer: report password"), prompt, password: true, ignoreFocusOut: true });
  if (value === undefined || value === "") return {};
  await secrets.store(key, value);
  return { value };
}
