// `pincer serve --http`: one row per attack class, against the running server with real clients
// (curl, node:https, raw sockets).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { promises as fs } from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import tls from "node:tls";
import * as grpc from "@grpc/grpc-js";
import { startApiProcess, type ApiProcess } from "../support/api-server";
import { SERVER_BUNDLE } from "../support/lsp-client";
import { allowLoopbackClients } from "../support/loopback-clients";
import { grpcClient, grpcUnary } from "../support/grpc-client";
import { requireTestModel } from "../support/test-model";

function curl(args: string[]): { status: number; body: string } {
  const result = spawnSync("curl", ["-s", "-o", "-", "-w", "\n%{http_code}", ...args], { encoding: "utf8" });
  const lines = result.stdout.split("\n");
  return { status: Number(lines.pop()), body: lines.join("\n") };
}

describe("pincer serve --http: security", function () {
  this.timeout(120_000);
  allowLoopbackClients();
  let model: string;
  let api: ApiProcess;
  const chatBody = (maxTokens = 4) => JSON.stringify({ messages: [{ role: "user", content: "hi" }], max_tokens: maxTokens });

  before(async function () {
    model = requireTestModel(this);
    api = await startApiProcess(model, ["--max-body", "4096", "--max-tokens", "64", "--max-concurrent", "1"]);
  });
  after(() => api?.stop());

  const rows: { attack: string; check: () => Promise<void> | void }[] = [
    {
      attack: "any local process or page calls the API without the token: 401 (unauthenticated local API, CWE-306)",
      check: () => {
        assert.equal(curl([`${api.facts.url}/v1/models`]).status, 401);
        assert.equal(curl([`${api.facts.url}/v1/models`, "-H", "Authorization: Bearer wrong"]).status, 401);
        assert.equal(curl([`${api.facts.url}/v1/models`, "-H", `Authorization: Bearer ${api.token}`]).status, 200);
      },
    },
    {
      attack: "the token leaks through the console or a world-readable file (CWE-532, CWE-276)",
      check: async () => {
        assert.ok(!api.output().includes(api.token), "the token is never printed");
        assert.equal((await fs.stat(api.facts.tokenFile)).mode & 0o777, 0o600);
      },
    },
    {
      attack: "a web page calls the API with the person's browser: cross-site fetch / WebSocket (browser Origin, CWE-352; the 2025–26 local AI server drive-bys)",
      check: () => {
        const refused = curl([`${api.facts.url}/v1/models`, "-H", `Authorization: Bearer ${api.token}`, "-H", "Origin: https://evil.example"]);
        assert.equal(refused.status, 403);
        assert.match(refused.body, /web pages/);
        assert.equal(curl([`${api.facts.url}/v1/models`, "-H", `Authorization: Bearer ${api.token}`, "-H", "Sec-Fetch-Site: cross-site"]).status, 403);
      },
    },
    {
      attack: "DNS rebinding: a page's own domain resolved to 127.0.0.1 (non-loopback Host, CWE-350)",
      check: () => {
        const port = new URL(api.facts.url).port;
        assert.equal(curl([`${api.facts.url}/v1/models`, "-H", `Authorization: Bearer ${api.token}`, "-H", `Host: rebind.evil.example:${port}`]).status, 403);
        assert.equal(curl([`${api.facts.url}/v1/models`, "-H", `Authorization: Bearer ${api.token}`, "-H", `Host: localhost:${port}`]).status, 200);
      },
    },
    {
      attack: "an oversized body exhausts memory (CWE-400): 413 past --max-body",
      check: () => {
        const big = JSON.stringify({ messages: [{ role: "user", content: "x".repeat(10_000) }], max_tokens: 4 });
        assert.equal(curl([`${api.facts.url}/v1/chat/completions`, "-H", `Authorization: Bearer ${api.token}`, "-H", "content-type: application/json", "-d", big]).status, 413);
      },
    },
    {
      attack: "one request asks for unbounded generation (CWE-770): 400 past --max-tokens",
      check: () => {
        const refused = curl([`${api.facts.url}/v1/chat/completions`, "-H", `Authorization: Bearer ${api.token}`, "-d", chatBody(100_000)]);
        assert.equal(refused.status, 400);
        assert.match(refused.body, /max_tokens may be at most 64/);
      },
    },
    {
      attack: "many parallel requests starve the machine (CWE-770): 429 past --max-concurrent",
      check: async () => {
        const { hostname, port } = new URL(api.facts.url);
        // A request whose body has not arrived yet holds its slot.
        const held = http.request({ hostname, port, method: "POST", path: "/v1/chat/completions", headers: { authorization: `Bearer ${api.token}`, "content-type": "application/json", "content-length": "1000" } });
        held.on("error", () => undefined);
        held.flushHeaders();
        held.write("{");
        try {
          let status = 0;
          // The held request reaches the server asynchronously; the next request sees it once it has.
          for (let attempt = 0; attempt < 50 && status !== 429; attempt++) {
            status = (await fetch(`${api.facts.url}/v1/models`, { headers: { authorization: `Bearer ${api.token}` } })).status;
          }
          assert.equal(status, 429);
        } finally {
          held.destroy();
        }
      },
    },
    {
      attack: "the API on the network in clear text (CWE-319): a non-loopback bind without TLS is refused",
      check: () => {
        const result = spawnSync(process.execPath, [SERVER_BUNDLE, "serve", "--http", "--host", "0.0.0.0", "--port", "0", "--model", model], { encoding: "utf8", env: { ...process.env, PINCER_SETTINGS: path.join(api.dir, "settings.json") } });
        assert.equal(result.status, 2);
        assert.match(result.stderr, /not a loopback address: that needs TLS/);
      },
    },
    {
      attack: "TLS downgrade on the network (CWE-757): only TLS 1.3; the self-signed certificate's fingerprint is printed",
      check: async () => {
        const secure = await startApiProcess(model, ["--host", "0.0.0.0", "--tls"]);
        try {
          const certPem = await fs.readFile(path.join(secure.dir, "api-cert.pem"), "utf8");
          assert.equal(secure.facts.tlsFingerprint, new X509Certificate(certPem).fingerprint256);
          const port = Number(new URL(secure.facts.url).port);
          const get = (options: https.RequestOptions) =>
            new Promise<number>((resolve, reject) => {
              https.get({ host: "127.0.0.1", port, path: "/v1/models", ca: certPem, servername: "localhost", headers: { authorization: `Bearer ${secure.token}`, host: `127.0.0.1:${port}` }, ...options }, (res) => {
                res.resume();
                resolve(res.statusCode ?? 0);
              }).on("error", reject);
            });
          assert.equal(await get({}), 200);
          await assert.rejects(get({ maxVersion: "TLSv1.2" }), /version|protocol|alert/i);
        } finally {
          await secure.stop();
        }
      },
    },
    {
      attack: "gRPC on the network in clear text or downgraded (CWE-319, CWE-757): off loopback gRPC is TLS 1.3 only, on the same host as the REST API",
      check: async () => {
        const secure = await startApiProcess(model, ["--host", "0.0.0.0", "--tls", "--grpc-port", "0"]);
        try {
          const certPem = await fs.readFile(path.join(secure.dir, "api-cert.pem"), "utf8");
          const port = Number(secure.facts.grpc!.split(":").pop());
          const metadata = new grpc.Metadata();
          metadata.set("authorization", `Bearer ${secure.token}`);
          const client = grpcClient(`127.0.0.1:${port}`, grpc.credentials.createSsl(Buffer.from(certPem)), { "grpc.ssl_target_name_override": "localhost" });
          try {
            assert.deepEqual((await grpcUnary(client, "ListModels", {}, metadata)).models, ["llama-2-tiny-random"]);
          } finally {
            client.close();
          }
          // A client that offers at most TLS 1.2 gets no handshake (raw TLS, as any HTTP/2 client would start).
          await assert.rejects(
            new Promise<void>((resolve, reject) => {
              const socket = tls.connect({ host: "127.0.0.1", port, ca: certPem, servername: "localhost", maxVersion: "TLSv1.2", ALPNProtocols: ["h2"] }, () => {
                socket.end();
                resolve();
              });
              socket.on("error", reject);
            }),
            /version|protocol|alert/i,
          );
          // Clear text to the TLS port is no gRPC call.
          const plain = grpcClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { "grpc.max_reconnect_backoff_ms": 100 });
          try {
            await assert.rejects(grpcUnary(plain, "ListModels", {}, metadata, 5_000), (error: grpc.ServiceError) => error.code === grpc.status.UNAVAILABLE || error.code === grpc.status.DEADLINE_EXCEEDED);
          } finally {
            plain.close();
          }
        } finally {
          await secure.stop();
        }
      },
    },
    {
      attack: "a gRPC call without the token or with a wrong one (unauthenticated local API, CWE-306): UNAUTHENTICATED on every method",
      check: async () => {
        const withGrpc = await startApiProcess(model, ["--grpc-port", "0"]);
        const client = grpcClient(withGrpc.facts.grpc!, grpc.credentials.createInsecure());
        try {
          const wrong = new grpc.Metadata();
          wrong.set("authorization", `Bearer ${withGrpc.token.slice(0, -1)}x`);
          const calls: [string, unknown][] = [["ListModels", {}], ["Complete", { prompt: "a" }], ["Embed", { input: ["a"] }], ["Ocr", { path: "a.png" }]];
          for (const [method, request] of calls) {
            for (const metadata of [new grpc.Metadata(), wrong]) {
              await assert.rejects(grpcUnary(client, method, request, metadata), (error: grpc.ServiceError) => error.code === grpc.status.UNAUTHENTICATED, method);
            }
          }
          for (const method of ["Chat", "RunAgent"]) {
            for (const metadata of [new grpc.Metadata(), wrong]) {
              const request = method === "Chat" ? { messages: [{ role: "user", content: "hi" }] } : { task: "x" };
              const stream = (client as unknown as Record<string, (r: unknown, m: grpc.Metadata) => grpc.ClientReadableStream<unknown>>)[method]!(request, metadata);
              const code = await new Promise<number>((resolve) => {
                stream.on("data", () => resolve(-1));
                stream.on("error", (error: grpc.ServiceError) => resolve(error.code));
              });
              assert.equal(code, grpc.status.UNAUTHENTICATED, method);
            }
          }
        } finally {
          client.close();
          await withGrpc.stop();
        }
      },
    },
    {
      attack: "a gRPC caller without the token sends oversized messages to exhaust memory (CWE-400 before CWE-306): refused for the token before its message is read",
      check: async () => {
        const withGrpc = await startApiProcess(model, ["--grpc-port", "0", "--max-body", "4096"]);
        const client = grpcClient(withGrpc.facts.grpc!, grpc.credentials.createInsecure());
        try {
          // Past --max-body: read first, this would be refused for its size (RESOURCE_EXHAUSTED).
          const big = { prompt: "x".repeat(64 * 1024) };
          await assert.rejects(grpcUnary(client, "Complete", big, new grpc.Metadata()), (error: grpc.ServiceError) => error.code === grpc.status.UNAUTHENTICATED);
          const withToken = new grpc.Metadata();
          withToken.set("authorization", `Bearer ${withGrpc.token}`);
          await assert.rejects(grpcUnary(client, "Complete", big, withToken), (error: grpc.ServiceError) => error.code === grpc.status.RESOURCE_EXHAUSTED);
        } finally {
          client.close();
          await withGrpc.stop();
        }
      },
    },
  ];

  for (const row of rows) it(row.attack, row.check);
});
