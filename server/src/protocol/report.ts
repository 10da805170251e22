// The report tools' secrets (issue 18): the SMTP password and database passwords live in VS Code's
// SecretStorage, never in settings.json or connections.json. The server asks the client for one when a
// tool needs it; the client answers from SecretStorage, or asks the person once and keeps the answer.
import { ServerRequest } from "./rpc";

export interface ReportSecretParams {
  /** "smtp": the mail server's password; "database": the password of the connection `name`. */
  kind: "smtp" | "database";
  /** The database connection's name, or the SMTP host. */
  name: string;
  /** The account the password is for (shown when the person is asked). */
  user: string;
}
export interface ReportSecretResult {
  /** Absent: none kept and the person gave none. */
  value?: string;
}
export const ReportSecretRequest = new ServerRequest<ReportSecretParams>("pincer/report/secret");

/** The SecretStorage key of a report secret (the client's; one per connection). */
export function reportSecretKey(params: Pick<ReportSecretParams, "kind" | "name">): string {
  return params.kind === "smtp" ? "pincer.report.smtp" : `pincer.report.database.${params.name}`;
}
