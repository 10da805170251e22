// Where the report tools' passwords come from: never from a file the connections live in. The host gives a
// lookup: VS Code asks its client (SecretStorage, protocol/report.ts), `pincer run` reads environment
// variables (below), so no password is written next to the settings.
import type { ReportSecretParams } from "../protocol/report";

/** The password for this account, or undefined when none is kept and none was given. */
export type SecretLookup = (key: ReportSecretParams, signal: AbortSignal) => Promise<string | undefined>;

/** The environment variable `pincer run` reads: PINCER_SMTP_PASSWORD, PINCER_DB_PASSWORD_<NAME> (upper case, other characters as _). */
export function secretEnvVar(key: Pick<ReportSecretParams, "kind" | "name">): string {
  return key.kind === "smtp" ? "PINCER_SMTP_PASSWORD" : `PINCER_DB_PASSWORD_${key.name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

export function envSecrets(env: NodeJS.ProcessEnv): SecretLookup {
  return async (key, signal) => {
    signal.throwIfAborted();
    const value = env[secretEnvVar(key)];
    return value === undefined || value === "" ? undefined : value;
  };
}
