// Remote engines: one row per attack class. The endpoint check, the consent, the egress guard's
// single open port, redirects and TLS verification are code, whatever the settings say.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { allowEndpoint, installEgressGuard } from "../platform/egress-guard";
import { DEFAULT_SETTINGS, SETTINGS_SCHEMA, type PincerSettings } from "../protocol/settings";
import { parseEndpoint } from "./endpoint";
import { OpenAiClient } from "./openai-client";
import { RemoteEngine } from "./remote-engine";
import { RemoteEngines } from "./remote-engines";

const NEVER = new AbortController().signal;

async function listen(server: http.Server | https.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

function counting(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): { server: http.Server; hits: () => number } {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    handler(req, res);
  });
  return { server, hits: () => hits };
}

const models = (_req: http.IncomingMessage, res: http.ServerResponse) => {
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ data: [{ id: "m" }] }));
};

function remoteSettings(url: string): PincerSettings {
  const role = { url, model: "" };
  return { ...DEFAULT_SETTINGS, remote: { completion: role, chat: role, agent: role } };
}

describe("remote engines: security", () => {
  before(() => installEgressGuard());

  const rows: { attack: string; check: () => Promise<void> | void }[] = [
    {
      attack: "cleartext to a public host: code and key readable on the way (CWE-319)",
      check: () => {
        for (const url of ["http://example.com", "http://8.8.8.8:8080", "http://[2001:db8::1]:80"]) assert.throws(() => parseEndpoint(url), /Plain http:\/\/ is allowed only/, url);
        for (const url of ["http://127.0.0.1:8080", "http://localhost:1", "http://192.168.1.5:8000", "http://10.0.0.2", "http://[fd00::5]:8080", "https://example.com"]) assert.doesNotThrow(() => parseEndpoint(url), url);
      },
    },
    {
      attack: "a key in the URL ends up in synced settings.json (CWE-312)",
      check: () => assert.throws(() => parseEndpoint("https://user:secret@gpu.lan"), /must not contain a user name or password/),
    },
    {
      attack: "a workspace's settings redirect the person's code to its own server (malicious repository)",
      check: () => {
        for (const role of ["completion", "chat", "agent"] as const) assert.equal(SETTINGS_SCHEMA[`pincer.remote.${role}.url`].scope, "application", role);
      },
    },
    {
      attack: "an endpoint nobody confirmed receives code (settings-planted exfiltration)",
      check: async () => {
        const { server, hits } = counting(models);
        const port = await listen(server);
        try {
          const engines = new RemoteEngines();
          await assert.rejects(engines.engine(remoteSettings(`http://127.0.0.1:${port}`), "chat", NEVER), /has not been allowed to connect/);
          assert.equal(hits(), 0);
          engines.allow(`http://127.0.0.1:${port}`, undefined);
          assert.equal((await engines.engine(remoteSettings(`http://127.0.0.1:${port}`), "chat", NEVER)).model, "m");
          assert.ok(hits() > 0);
          // Removed from the settings: closed again, even though it was confirmed once.
          engines.retain(DEFAULT_SETTINGS);
          await assert.rejects(engines.engine(remoteSettings(`http://127.0.0.1:${port}`), "chat", NEVER), /has not been allowed to connect/);
          await assert.rejects(fetch(`http://127.0.0.1:${port}/v1/models`), (error: Error) => /blocked a network connection/.test(String((error.cause as Error | undefined)?.message)));
          engines.dispose();
        } finally {
          server.close();
        }
      },
    },
    {
      attack: "a confirmed endpoint opens only its own host and port (SSRF to other local services)",
      check: async () => {
        const confirmed = counting(models);
        const other = counting(models);
        const [a, b] = [await listen(confirmed.server), await listen(other.server)];
        const close = allowEndpoint("127.0.0.1", a);
        try {
          assert.match(await (await fetch(`http://127.0.0.1:${a}/v1/models`)).text(), /"m"/);
          await assert.rejects(fetch(`http://127.0.0.1:${b}/v1/models`));
          assert.equal(other.hits(), 0);
          close();
          // The pooled keep-alive connection from the first request is closed with the consent.
          await assert.rejects(fetch(`http://127.0.0.1:${a}/v1/models`), (error: Error) => /blocked a network connection/.test(String((error.cause as Error | undefined)?.message)));
        } finally {
          close();
          confirmed.server.close();
          other.server.close();
        }
      },
    },
    {
      attack: "a redirect carries the request and its key to an unconfirmed host (CWE-601)",
      check: async () => {
        const target = counting(models);
        const targetPort = await listen(target.server);
        const redirector = counting((_req, res) => {
          res.statusCode = 307;
          res.setHeader("location", `http://127.0.0.1:${targetPort}/v1/models`);
          res.end();
        });
        const port = await listen(redirector.server);
        const closes = [allowEndpoint("127.0.0.1", port), allowEndpoint("127.0.0.1", targetPort)];
        try {
          const client = new OpenAiClient(parseEndpoint(`http://127.0.0.1:${port}`), "sk-secret");
          await assert.rejects(client.getJson("/v1/models", NEVER), /Could not reach/);
          assert.equal(redirector.hits(), 1);
          assert.equal(target.hits(), 0, "the redirect was not followed");
        } finally {
          for (const close of closes) close();
          redirector.server.close();
          target.server.close();
        }
      },
    },
    {
      attack: "a certificate that does not verify: machine-in-the-middle (CWE-295)",
      check: async () => {
        const dir = mkdtempSync(path.join(os.tmpdir(), "pincer-tls-"));
        try {
          execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=localhost"], { stdio: "ignore" });
          const server = https.createServer({ key: readFileSync(path.join(dir, "key.pem")), cert: readFileSync(path.join(dir, "cert.pem")) }, models);
          const port = await listen(server);
          const close = allowEndpoint("localhost", port);
          try {
            const client = new OpenAiClient(parseEndpoint(`https://localhost:${port}`), undefined);
            await assert.rejects(RemoteEngine.connect(client, "", NEVER), /TLS certificate of https:\/\/localhost:\d+ was refused/);
          } finally {
            close();
            server.close();
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    },
  ];

  for (const row of rows) it(row.attack, row.check);
});
