// The server's handlers from source, in this process, over an in-memory stream pair: for handler
// tests that need no process boundary (no build, no spawn, breakpoints work, a second or so to
// start). What needs a real process stays on startTestServer: locality (the egress guard is
// installed by main.ts), crashes and kills, the command supervisor, stdio itself.
// Environment variables the server reads (PINCER_CACHE_DIR, PINCER_AGENT_SCRIPT) are this process's:
// set them before the request that reads them and restore them after the test.
import { PassThrough } from "node:stream";
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from "vscode-languageserver-protocol/node";
import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { serveLanguageServer } from "../../server/src/lsp/server";
import { connectTestClient, type TestClient, type TestClientOptions } from "./lsp-client";

export async function startInProcessServer(options: TestClientOptions): Promise<TestClient> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  // Message readers, not raw streams: vscode-languageserver ends the process when a raw input stream closes.
  const serverConnection = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  serveLanguageServer(serverConnection);
  const connection = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  // No processId: the server would otherwise watch this process and exit with it.
  const client = await connectTestClient(connection, { ...options, processId: null });
  return Object.assign(client, {
    async stop() {
      // shutdown disposes the models and OCR workers; the exit notification would end this process.
      await connection.sendRequest("shutdown").catch(() => undefined);
      connection.dispose();
      serverConnection.dispose();
      toServer.end();
      toClient.end();
    },
  });
}
