// The locality invariant lives here: the server opens no network connection except a model
// download the user started. Every outgoing TCP/UDP connection in Node goes through
// net.Socket#connect or dgram.Socket#connect/send, and name look-ups go through dns.lookup, so
// guarding those three covers http, https, fetch (undici) and any library on top of them.
// Local IPC (Unix sockets, Windows named pipes) is not network traffic and stays allowed.
import dgram from "node:dgram";
import dns from "node:dns";
import net from "node:net";

export class EgressBlockedError extends Error {
  readonly code = "PINCER_EGRESS_BLOCKED";
  constructor(target: string) {
    super(
      `Pincer blocked a network connection to ${target}: the server only connects to the network ` +
        `while downloading a model you asked for.`,
    );
    this.name = "EgressBlockedError";
  }
}

export interface EgressPermit {
  readonly reason: string;
  release(): void;
}

interface TargetPermit {
  host: string;
  port: string;
  /** Its connections, destroyed on release (fetch keeps them alive in a pool). */
  sockets: Set<net.Socket>;
}

interface GuardState {
  installed: boolean;
  activePermits: Set<{ reason: string }>;
  /** Permits for one host:port each (an MCP server over HTTP the person configured): nothing else opens. */
  targetPermits?: Set<TargetPermit>;
  blockedLog: string[];
  /**
   * TCP sockets opened while a permit was active. http.Agent and fetch (undici) keep connections
   * alive in a pool and reuse them without connecting again, so when the last permit ends these
   * are destroyed; otherwise a pooled connection would carry traffic after the permit closed.
   */
  permittedSockets: Set<net.Socket>;
  /** Remote engines the person confirmed (remote/), "host|port" → holders and their one target permit. */
  endpoints?: Map<string, { count: number; permit: EgressPermit }>;
}

// The guard patches process-wide prototypes, so its state is process-wide too: should this module
// be loaded twice (a CommonJS and an ESM copy, as a test runner may do), both copies share one
// installation and one set of permits instead of stacking two guards that know nothing of each other.
const stateKey = Symbol.for("pincer.egressGuard");
const state: GuardState = ((globalThis as Record<symbol, GuardState | undefined>)[stateKey] ??= {
  installed: false,
  activePermits: new Set(),
  blockedLog: [],
  permittedSockets: new Set(),
});
const { activePermits, blockedLog, permittedSockets } = state;
const endpoints = (state.endpoints ??= new Map());
const targetPermits = (state.targetPermits ??= new Set());

/** Install the guard once per process, before anything else can open a socket. */
export function installEgressGuard(): void {
  if (state.installed) return;
  state.installed = true;

  const originalConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const target = describeNetTarget(args);
    if (target !== undefined) {
      const permit = targetPermitFor(target);
      if (permit) {
        permit.sockets.add(this);
        this.once("close", () => permit.sockets.delete(this));
        return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
      }
      if (!egressAllowed()) return refuse(this, target);
      trackPermittedSocket(this);
    }
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;

  const originalDgramConnect = dgram.Socket.prototype.connect;
  dgram.Socket.prototype.connect = function guardedDgramConnect(this: dgram.Socket, ...args: unknown[]) {
    if (!egressAllowed()) throw recordBlocked(`udp:${String(args[1] ?? "")}:${String(args[0] ?? "")}`);
    return (originalDgramConnect as (...a: unknown[]) => void).apply(this, args);
  } as typeof dgram.Socket.prototype.connect;

  const originalDgramSend = dgram.Socket.prototype.send;
  dgram.Socket.prototype.send = function guardedDgramSend(this: dgram.Socket, ...args: unknown[]) {
    if (!egressAllowed()) throw recordBlocked("udp datagram");
    return (originalDgramSend as (...a: unknown[]) => void).apply(this, args);
  } as typeof dgram.Socket.prototype.send;

  const originalLookup = dns.lookup;
  const guardedLookup = function (hostname: string, ...rest: unknown[]) {
    if (!egressAllowed() && !isLocalName(hostname) && !hostPermitted(hostname)) {
      const callback = rest[rest.length - 1];
      const error = recordBlocked(`dns:${hostname}`);
      if (typeof callback === "function") {
        process.nextTick(() => (callback as (e: Error) => void)(error));
        return undefined;
      }
      throw error;
    }
    return (originalLookup as (...a: unknown[]) => unknown).call(dns, hostname, ...rest);
  };
  (dns as { lookup: unknown }).lookup = guardedLookup;
  (dns.promises as { lookup: unknown }).lookup = async (hostname: string, ...rest: unknown[]) => {
    if (!egressAllowed() && !isLocalName(hostname) && !hostPermitted(hostname)) throw recordBlocked(`dns:${hostname}`);
    return (originalPromisesLookup as (...a: unknown[]) => Promise<unknown>)(hostname, ...rest);
  };
}
const originalPromisesLookup = dns.promises.lookup;

/**
 * Open a window in which outgoing connections are allowed. Only the model manager calls this, and
 * only for a download the user started; it must release the permit when the download ends.
 */
export function grantEgress(reason: string): EgressPermit {
  const token = { reason };
  activePermits.add(token);
  let released = false;
  return {
    reason,
    release() {
      if (released) return;
      released = true;
      activePermits.delete(token);
      if (activePermits.size === 0) closePermittedSockets();
    },
  };
}

/** Run `work` with egress allowed, releasing the permit however it ends. */
export async function withEgress<T>(reason: string, work: () => Promise<T>): Promise<T> {
  const permit = grantEgress(reason);
  try {
    return await work();
  } finally {
    permit.release();
  }
}

/**
 * Allow connections to exactly one host and port until released (an MCP server over HTTP that the
 * person configured or approved). Unlike grantEgress, nothing else may connect meanwhile.
 */
export function grantEgressTo(host: string, port: number, reason: string): EgressPermit {
  const token: TargetPermit = { host: normalizeHost(host), port: String(port), sockets: new Set() };
  targetPermits.add(token);
  return {
    reason,
    release() {
      targetPermits.delete(token);
      for (const socket of token.sockets) socket.destroy();
      token.sockets.clear();
    },
  };
}

function normalizeHost(host: string): string {
  return host.replace(/^\[|\]$/g, "").toLowerCase();
}

function targetPermitFor(target: string): TargetPermit | undefined {
  const cut = target.lastIndexOf(":");
  const host = normalizeHost(target.slice(0, cut));
  const port = target.slice(cut + 1);
  for (const permit of targetPermits) if (permit.port === port && permit.host === host) return permit;
  return undefined;
}

function hostPermitted(hostname: string): boolean {
  const host = normalizeHost(hostname);
  for (const permit of targetPermits) if (permit.host === host) return true;
  return false;
}

/**
 * Keep one confirmed endpoint (a remote engine's host and port, remote/) reachable until the returned
 * function is called: a counted grantEgressTo, so two holders of one endpoint share one permit and
 * its pooled connections end with the last consent. Nothing else opens: not another port, not another host.
 */
export function allowEndpoint(host: string, port: number): () => void {
  const key = `${normalizeHost(host)}|${port}`;
  const held = endpoints.get(key);
  if (held) held.count++;
  else endpoints.set(key, { count: 1, permit: grantEgressTo(host, port, "remote engine") });
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    const entry = endpoints.get(key);
    if (!entry || --entry.count > 0) return;
    endpoints.delete(key);
    entry.permit.release();
  };
}

export function egressGuardInstalled(): boolean {
  return state.installed;
}

/** Connections refused so far (most recent last, bounded), for `pincer doctor` and tests. */
export function blockedConnections(): readonly string[] {
  return blockedLog;
}

function egressAllowed(): boolean {
  return activePermits.size > 0;
}

function recordBlocked(target: string): EgressBlockedError {
  blockedLog.push(target);
  if (blockedLog.length > 100) blockedLog.shift();
  return new EgressBlockedError(target);
}

function trackPermittedSocket(socket: net.Socket): void {
  if (permittedSockets.has(socket)) return;
  permittedSockets.add(socket);
  socket.once("close", () => permittedSockets.delete(socket));
}

function closePermittedSockets(): void {
  for (const socket of permittedSockets) socket.destroy();
  permittedSockets.clear();
}

function refuse(socket: net.Socket, target: string): net.Socket {
  const error = recordBlocked(target);
  // Fail the way a refused connection fails: asynchronously, through the socket's error event.
  process.nextTick(() => socket.destroy(error));
  return socket;
}

/** Returns a description for TCP targets, or undefined for local IPC paths. */
function describeNetTarget(args: unknown[]): string | undefined {
  let first = args[0];
  // net internals call connect([options, callback]) with a normalized array.
  if (Array.isArray(first)) first = first[0];
  if (typeof first === "string" && Number.isNaN(Number(first))) return undefined; // IPC path
  if (first !== null && typeof first === "object") {
    const options = first as { path?: unknown; host?: unknown; port?: unknown };
    if (typeof options.path === "string" && options.port === undefined) return undefined;
    return `${String(options.host ?? "localhost")}:${String(options.port ?? "")}`;
  }
  return `${String(args[1] ?? "localhost")}:${String(first)}`;
}

/** Names whose look-up never leaves the machine: "localhost" and IP literals (server.listen(port, "127.0.0.1") looks those up). */
function isLocalName(hostname: string): boolean {
  return hostname === "localhost" || net.isIP(hostname) !== 0;
}
