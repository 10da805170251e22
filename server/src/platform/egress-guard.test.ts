import assert from "node:assert/strict";
import dgram from "node:dgram";
import dns from "node:dns";
import { promises as fs } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { blockedConnections, EgressBlockedError, egressGuardInstalled, grantEgressTo, installEgressGuard, withEgress } from "./egress-guard";

/** GET a URL with node:http; resolves with the body, rejects with the request's error. */
function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => resolve(body));
        response.on("error", reject);
      })
      .on("error", reject);
  });
}

/**
 * By name and code rather than instanceof: mocha requires test files that it can and imports the
 * others (those that reach node-llama-cpp), so this module may exist as two copies whose classes
 * differ; the guard itself is shared between them.
 */
function assertBlocked(error: unknown): true {
  assert.ok(error instanceof Error && error.name === EgressBlockedError.name, `expected an EgressBlockedError, got ${String(error)}`);
  assert.equal((error as EgressBlockedError).code, "PINCER_EGRESS_BLOCKED");
  assert.match(error.message, /Pincer blocked a network connection/);
  return true;
}

describe("egress guard", () => {
  let server: http.Server;
  let url: string;
  let port: number;
  let connections = 0;

  before(async () => {
    installEgressGuard();
    installEgressGuard(); // idempotent: a second call must not wrap the wrappers
    server = http.createServer((_request, response) => response.end("hello"));
    server.on("connection", () => connections++);
    // Listening is inbound; it must work with the guard installed (even on an IP literal).
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    port = (server.address() as AddressInfo).port;
    url = `http://127.0.0.1:${port}/`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("is installed", () => {
    assert.equal(egressGuardInstalled(), true);
  });

  it("refuses an http.get to a loopback server, which never sees a connection", async () => {
    const before = connections;
    await assert.rejects(httpGet(url), assertBlocked);
    assert.equal(connections, before);
    assert.ok(blockedConnections().includes(`127.0.0.1:${port}`), `blocked log: ${blockedConnections().join(", ")}`);
  });

  it("refuses a global fetch", async () => {
    const before = connections;
    await assert.rejects(fetch(url), (error: Error) => assertBlocked(error.cause));
    assert.equal(connections, before);
  });

  it("refuses dns.lookup of a remote name, with a callback and with promises", async () => {
    const error = await new Promise<Error | null>((resolve) => dns.lookup("example.com", (err) => resolve(err)));
    assertBlocked(error);
    await assert.rejects(dns.promises.lookup("example.com"), assertBlocked);
    assert.ok(blockedConnections().includes("dns:example.com"));
  });

  it("refuses to send a UDP datagram", async () => {
    const socket = dgram.createSocket("udp4");
    try {
      assert.throws(() => socket.send("ping", 53, "127.0.0.1"), assertBlocked);
      assert.throws(() => socket.connect(53, "127.0.0.1"), assertBlocked);
    } finally {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    }
    assert.ok(blockedConnections().includes("udp datagram"));
  });

  it("allows local IPC over a Unix socket", async function () {
    if (process.platform === "win32") {
      console.warn("    skipped: Windows uses named pipes, not Unix sockets (the guard treats both as a path)");
      this.skip();
    }
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-ipc-"));
    const socketPath = path.join(dir, "ipc.sock");
    const echo = net.createServer((socket) => socket.pipe(socket));
    try {
      await new Promise<void>((resolve, reject) => {
        echo.once("error", reject);
        echo.listen(socketPath, resolve);
      });
      const reply = await new Promise<string>((resolve, reject) => {
        const client = net.connect(socketPath, () => client.end("over ipc"));
        let data = "";
        client.setEncoding("utf8");
        client.on("data", (chunk: string) => (data += chunk));
        client.on("end", () => resolve(data));
        client.on("error", reject);
      });
      assert.equal(reply, "over ipc");
    } finally {
      await new Promise<void>((resolve) => echo.close(() => resolve()));
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("allows connections inside withEgress and blocks them again afterwards", async () => {
    const before = connections;
    const bodies = await withEgress("test", async () => [await httpGet(url), await (await fetch(url)).text()]);
    assert.deepEqual(bodies, ["hello", "hello"]);
    assert.ok(connections > before, "the server saw the permitted connections");

    // http.Agent and fetch keep connections alive; the pooled ones must not outlive the permit.
    const afterPermit = connections;
    await assert.rejects(httpGet(url), assertBlocked);
    await assert.rejects(fetch(url), (error: Error) => assertBlocked(error.cause));
    assert.equal(connections, afterPermit);
  });

  it("a permit for one host:port lets only that target connect, and ends its pooled connections on release", async () => {
    const other = http.createServer((_request, response) => response.end("other"));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/`;
    const permit = grantEgressTo("127.0.0.1", port, "mcp test");
    try {
      assert.equal(await (await fetch(url)).text(), "hello");
      await assert.rejects(fetch(otherUrl), (error: Error) => assertBlocked(error.cause));
      await assert.rejects(fetch(`http://localhost:${port}/`), (error: Error) => assertBlocked(error.cause));
    } finally {
      permit.release();
      other.close();
    }
    await assert.rejects(fetch(url), (error: Error) => assertBlocked(error.cause));
  });

  it("releases the permit when the work throws", async () => {
    await assert.rejects(
      withEgress("failing", async () => {
        throw new Error("boom");
      }),
      /boom/,
    );
    await assert.rejects(httpGet(url), assertBlocked);
  });

  it("records the refused attempts, most recent last", async () => {
    await assert.rejects(httpGet(`http://127.0.0.1:${port}/last`), assertBlocked);
    const log = blockedConnections();
    assert.equal(log[log.length - 1], `127.0.0.1:${port}`);
    assert.ok(log.length <= 100);
  });
});
