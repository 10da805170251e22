// Environment variables that look like secrets are not passed to agent commands (a command the
// rules allow could still print or send what it finds). Names are matched case-insensitively,
// mostly by substring, because credentials hide in every spelling: PGPASSWORD, CLIENTSECRET,
// OAUTH_CLIENT_SECRETVALUE, npm_config__authToken. A name is a secret when it contains
//  - TOKEN, SECRET, PASS (PASSWORD, PASSWD, PASSPHRASE, ASKPASS), CRED (CREDENTIALS, CREDS),
//    AUTH (OAUTH, AUTHORIZATION; not AUTHOR as in GIT_AUTHOR_NAME), KEY (API_KEY, APIKEY,
//    KEYRING; not in KEYBOARD, KEYMAP, KEYWORD, HOTKEY, MONKEY and similar words), COOKIE,
//    PRIVATE, DSN, SESSION (AWS_SESSION_TOKEN, DBUS_SESSION_BUS_ADDRESS: the session bus reaches
//    the keyring; not the desktop's XDG_SESSION_*, DESKTOP_SESSION, SESSION_MANAGER), BEARER,
//    WEBHOOK (a webhook URL is its own credential), CONNECTION_STRING / CONNSTR;
//  - PWD as a name part other than the shell's PWD / OLDPWD (MYSQL_PWD);
//  - PAT, JWT or SALT as a whole name part (GITHUB_PAT, not PATH);
//  - a database URL that carries its password (DATABASE_URL, REDIS_URL, MONGODB_URI, …);
//  - a prefix whose every variable is account configuration (AWS_, AZURE_, GCP_, HF_, …), or one
//    of a few credential handles (KRB5CCNAME, VSCODE_GIT_IPC_HANDLE: VS Code's git askpass).
// False positives are accepted where they are rare (PASSENGER_*, COMPASS, PRIVATE_REGISTRY): a
// dropped harmless variable can be passed with the allow list; a leaked token cannot be unsent.
// HTTP_PROXY is kept although it may carry user:password (commands need the proxy to work).

const SECRET_SUBSTRINGS = ["TOKEN", "SECRET", "PASS", "CRED", "AUTH", "KEY", "COOKIE", "PRIVATE", "DSN", "SESSION", "BEARER", "WEBHOOK", "CONNECTION_STRING", "CONNSTR"];
/** Everyday words that contain a marker and are removed before matching. */
const HARMLESS_WORDS = /KEYBOARD|KEYMAP|KEYWORD|HOTKEY|MONKEY|DONKEY|TURKEY|HOCKEY|JOCKEY|WHISKEY|AUTHOR(?!I[SZ])|TOKENIZER/g;
/** Desktop session variables that name no secret. */
const DESKTOP_SESSION = /^(XDG_SESSION_[A-Z_]+|DESKTOP_SESSION|SESSION_MANAGER|GDMSESSION)$/;
const SECRET_PARTS = new Set(["PAT", "JWT", "SALT"]);
const DATABASE_URL = /(^|_)(DATABASE|DB|PG|POSTGRES|POSTGRESQL|MYSQL|MARIADB|REDIS|MONGO|MONGODB|AMQP|RABBITMQ|BROKER|ELASTICSEARCH|CLICKHOUSE)_?(URL|URI)$/;
/** Prefixes whose every variable is credentials or account configuration. */
const SECRET_PREFIXES = ["AWS_", "AZURE_", "GCP_", "HF_", "HUGGING_FACE_", "OPENAI_", "ANTHROPIC_", "VAULT_", "NPM_CONFIG__"];
const SECRET_NAMES = new Set(["KRB5CCNAME", "VSCODE_GIT_IPC_HANDLE"]);

/** Whether an environment variable name looks like it holds a secret (see the file comment). */
export function looksSecret(name: string): boolean {
  const upper = name.toUpperCase();
  if (upper === "PWD" || upper === "OLDPWD" || DESKTOP_SESSION.test(upper)) return false;
  if (SECRET_NAMES.has(upper) || SECRET_PREFIXES.some((prefix) => upper.startsWith(prefix)) || DATABASE_URL.test(upper)) return true;
  const masked = upper.replace(HARMLESS_WORDS, "_");
  if (SECRET_SUBSTRINGS.some((marker) => masked.includes(marker))) return true;
  const parts = upper.split(/[^A-Z0-9]+/);
  return parts.some((part) => SECRET_PARTS.has(part) || part.endsWith("PWD"));
}

/** The environment without secret-looking variables (names in `allow` are kept, any case). */
export function scrubEnvironment(env: NodeJS.ProcessEnv, allow: readonly string[] = []): { env: NodeJS.ProcessEnv; removed: string[] } {
  const allowed = new Set(allow.map((name) => name.toUpperCase()));
  const kept: NodeJS.ProcessEnv = {};
  const removed: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (looksSecret(name) && !allowed.has(name.toUpperCase())) removed.push(name);
    else kept[name] = value;
  }
  return { env: kept, removed: removed.sort() };
}
