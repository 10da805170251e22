// Entry point of the server bundle: `pincer serve --stdio|--node-ipc` runs the language server,
// anything else is the CLI. The egress guard goes in before any other code can open a socket.
import { installEgressGuard } from "./platform/egress-guard";

installEgressGuard();

const argv = process.argv.slice(2);
// `serve --http` is the OpenAI-compatible API: a CLI command (cli/commands/serve-http.ts).
if (argv[0] === "serve" && !argv.includes("--http")) {
  const transports = argv.slice(1).filter((a) => a === "--stdio" || a === "--node-ipc");
  if (transports.length !== 1) {
    process.stderr.write("pincer serve needs exactly one of --stdio or --node-ipc\n");
    process.exit(2);
  }
  const { startLanguageServer } = await import("./lsp/server");
  startLanguageServer();
} else {
  const { runCli } = await import("./cli/main");
  const code = await runCli(argv);
  // Native handles (the model, worker threads) can keep the loop alive after output is flushed.
  process.stdout.write("", () => process.exit(code));
}
