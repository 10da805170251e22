import assert from "node:assert/strict";
import { looksSecret, scrubEnvironment } from "./env-scrub";

// Real variable names that hold credentials, by the service that documents them.
const SECRETS: Record<string, string[]> = {
  GitHub: ["GITHUB_TOKEN", "GH_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_PAT", "GITHUB_APP_PRIVATE_KEY", "ACTIONS_RUNTIME_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"],
  GitLab: ["GITLAB_TOKEN", "CI_JOB_TOKEN", "GITLAB_PRIVATE_TOKEN", "CI_REGISTRY_PASSWORD", "CI_DEPLOY_PASSWORD"],
  npm: ["NPM_TOKEN", "NODE_AUTH_TOKEN", "NPM_CONFIG__AUTH", "npm_config__authToken", "YARN_NPM_AUTH_TOKEN"],
  PyPI: ["PYPI_TOKEN", "TWINE_PASSWORD", "UV_PUBLISH_TOKEN", "POETRY_PYPI_TOKEN_PYPI", "POETRY_HTTP_BASIC_PYPI_PASSWORD"],
  AWS: ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"],
  Azure: ["AZURE_CLIENT_SECRET", "AZURE_STORAGE_KEY", "AZURE_STORAGE_CONNECTION_STRING", "ARM_CLIENT_SECRET", "AZURE_DEVOPS_EXT_PAT"],
  GCP: ["GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_API_KEY", "CLOUDSDK_AUTH_ACCESS_TOKEN", "GCP_SERVICE_ACCOUNT_KEY"],
  Stripe: ["STRIPE_SECRET_KEY", "STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET"],
  Slack: ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_WEBHOOK_URL"],
  Postgres: ["PGPASSWORD", "PGPASSFILE", "DATABASE_URL", "POSTGRES_PASSWORD"],
  MySQL: ["MYSQL_PWD", "MYSQL_ROOT_PASSWORD"],
  Redis: ["REDIS_URL", "REDIS_PASSWORD"],
  MongoDB: ["MONGODB_URI"],
  Docker: ["DOCKER_PASSWORD", "DOCKER_AUTH_CONFIG", "DOCKERHUB_TOKEN"],
  Kubernetes: ["KUBE_TOKEN", "HELM_REPO_PASSWORD"],
  Sentry: ["SENTRY_DSN", "SENTRY_AUTH_TOKEN"],
  Datadog: ["DD_API_KEY", "DD_APP_KEY", "DATADOG_API_KEY"],
  "AI APIs": ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "GEMINI_API_KEY", "MISTRAL_API_KEY"],
  "Hosting and CI": ["HEROKU_API_KEY", "NETLIFY_AUTH_TOKEN", "VERCEL_TOKEN", "CLOUDFLARE_API_TOKEN", "DIGITALOCEAN_ACCESS_TOKEN", "CODECOV_TOKEN", "SONAR_TOKEN", "SNYK_TOKEN", "CIRCLE_TOKEN", "BUILDKITE_AGENT_TOKEN", "NGROK_AUTHTOKEN"],
  "Package registries": ["CARGO_REGISTRY_TOKEN", "GEM_HOST_API_KEY", "NUGET_API_KEY"],
  "Secret managers": ["VAULT_TOKEN", "OP_SERVICE_ACCOUNT_TOKEN", "CONSUL_HTTP_TOKEN", "PULUMI_ACCESS_TOKEN", "TF_TOKEN_app_terraform_io"],
  "Web frameworks": ["SECRET_KEY_BASE", "RAILS_MASTER_KEY", "DJANGO_SECRET_KEY", "APP_KEY", "JWT_SECRET", "NEXTAUTH_SECRET", "SESSION_SECRET", "COOKIE_SECRET", "ENCRYPTION_KEY"],
  Messaging: ["TWILIO_AUTH_TOKEN", "SENDGRID_API_KEY", "DISCORD_WEBHOOK_URL", "TELEGRAM_BOT_TOKEN"],
  "Signing and agents": ["SSH_AUTH_SOCK", "GPG_PASSPHRASE", "ANDROID_KEYSTORE_PASSWORD", "MATCH_PASSWORD", "KRB5CCNAME", "GIT_ASKPASS", "SSH_ASKPASS", "VSCODE_GIT_IPC_HANDLE", "GNOME_KEYRING_CONTROL", "DBUS_SESSION_BUS_ADDRESS"],
  "Issue 11 (reached commands before)": ["PGPASSWORD", "CLIENTSECRET", "MASTERPASSWORD", "AUTHORIZATION", "OAUTH_CLIENT_SECRETVALUE"],
  Generic: ["DB_PASS", "SMTP_PASS", "API_KEY", "MY_APIKEY", "PRIVATE_KEY", "BEARER_TOKEN", "ACCESS_TOKEN", "REFRESH_TOKEN", "HTTP_AUTHORIZATION", "PASSWORD_SALT", "JWT", "CREDS"],
};

// Names that must reach commands: what shells, toolchains and CI set. False positives cost a
// broken build; a few are deliberate and listed in PLAIN_BUT_SCRUBBED below.
const PLAIN = [
  "PATH", "HOME", "USER", "LOGNAME", "SHELL", "PWD", "OLDPWD", "LANG", "LC_ALL", "LC_CTYPE", "TERM", "COLORTERM", "TZ", "TMPDIR", "TEMP", "TMP",
  "HOSTNAME", "SHLVL", "EDITOR", "VISUAL", "PAGER", "LESS", "LS_COLORS", "COLUMNS", "LINES", "DISPLAY", "WAYLAND_DISPLAY",
  "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_SESSION_TYPE", "XDG_SESSION_ID", "DESKTOP_SESSION", "SESSION_MANAGER",
  "NODE_ENV", "NODE_OPTIONS", "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "NVM_DIR", "npm_config_cache", "npm_lifecycle_event",
  "JAVA_HOME", "GOPATH", "GOROOT", "CARGO_HOME", "RUSTUP_HOME", "PYTHONPATH", "VIRTUAL_ENV", "CONDA_PREFIX", "PKG_CONFIG_PATH", "LD_LIBRARY_PATH",
  "CC", "CXX", "CFLAGS", "MAKEFLAGS", "DEBIAN_FRONTEND", "CI", "GITHUB_ACTIONS", "GITHUB_WORKSPACE", "GITHUB_SHA", "GITHUB_REF", "GITHUB_REPOSITORY", "RUNNER_OS",
  "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "CERT_AUTHORITY", "TOKENIZERS_PARALLELISM", "HTTP_PROXY", "NO_PROXY",
  "KEYBOARD", "KEYMAP", "MONKEY_NAME", "HOTKEY", "SEARCH_KEYWORDS", "PINCER_CACHE_DIR", "TERM_PROGRAM", "AWS_", "PGHOST", "PGUSER", "MYSQL_HOST",
];

describe("secret-looking environment variables", () => {
  const names = Object.values(SECRETS).flat();
  it(`scrubs ${new Set(names).size} real-world secret variable names`, () => {
    assert.ok(new Set(names).size >= 60);
    const missed = names.filter((name) => !looksSecret(name));
    assert.deepEqual(missed, [], `these reached commands: ${missed.join(", ")}`);
  });

  it(`keeps ${PLAIN.length} everyday variables`, () => {
    const dropped = PLAIN.filter((name) => name !== "AWS_" && looksSecret(name));
    assert.deepEqual(dropped, [], `these were dropped: ${dropped.join(", ")}`);
  });

  it("matches case-insensitively", () => {
    for (const name of ["github_token", "PgPassword", "sentry_dsn", "Mysql_Pwd"]) assert.equal(looksSecret(name), true, name);
  });

  it("lists what it removed and keeps names the allow list gives", () => {
    assert.deepEqual(scrubEnvironment({ A: "1", GH_TOKEN: "x", PGPASSWORD: "y" }).removed, ["GH_TOKEN", "PGPASSWORD"]);
    assert.deepEqual(scrubEnvironment({ GH_TOKEN: "x", PGPASSWORD: "y" }, ["pgpassword"]).env, { PGPASSWORD: "y" });
  });
});
