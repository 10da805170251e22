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

interface GuardState {
  installed: boolean;
  activePermits: Set<{ reason: string }>;
  blockedLog: string[];
  /**
   * TCP sockets opened while a permit was active. http.Agent and fetch (undici) keep connections
   * alive in a pool and reuse them without connecting again, so when the last permit ends these
   * are destroyed; otherwise a pooled connection would carry traffic after the permit closed.
   */
  permittedSockets: Set<net.Socket>;
  /**
   * Remote engines the person confirmed (remote/): exactly these host:port pairs stay reachable while
   * the endpoint is configured. Keyed "host|port" with the host lower-cased as configured.
   */
  endpoints: Map<string, number>;
  /** Sockets to each confirmed endpoint, destroyed when its consent ends (fetch pools keep-alive ones). */
  endpointSockets: Map<string, Set<net.Socket>>;
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
  endpoints: new Map(),
  endpointSockets: new Map(),
});
state.endpoints ??= new Map();
state.endpointSockets ??= new Map();
const { activePermits, blockedLog, permittedSockets, endpoints, endpointSockets } = state;

/** Install the guard once per process, before anything else can open a socket. */
export function installEgressGuard(): void {
  if (state.installed) return;
  state.installed = true;

  const originalConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const target = describeNetTarget(args);
    const endpoint = target === undefined ? undefined : endpointOf(netTarget(args));
    if (endpoint !== undefined) trackEndpointSocket(endpoint, this);
    else if (target !== undefined) {
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
    if (!egressAllowed() && !isLocalName(hostname) && !endpointHostAllowed(hostname)) {
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
    if (!egressAllowed() && !isLocalName(hostname) && !endpointHostAllowed(hostname)) throw recordBlocked(`dns:${hostname}`);
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
 * Keep one confirmed endpoint (a remote engine's host and port) reachable until the returned
 * function is called. Nothing else opens: not another port on that host, not another host.
 */
export function allowEndpoint(host: string, port: number): () => void {
  const key = endpointKey(host, port);
  endpoints.set(key, (endpoints.get(key) ?? 0) + 1);
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    const count = (endpoints.get(key) ?? 1) - 1;
    if (count > 0) endpoints.set(key, count);
    else {
      endpoints.delete(key);
      // Pooled keep-alive connections (fetch reuses them) must not outlive the consent.
      for (const socket of endpointSockets.get(key) ?? []) socket.destroy();
      endpointSockets.delete(key);
    }
  };
}

function endpointKey(host: string, port: number): string {
  return `${host.toLowerCase().replace(/^\[|\]$/g, "")}|${port}`;
}

/** The confirmed endpoint's key when `target` is one, else undefined. */
function endpointOf(target: { host: string; port: number } | undefined): string | undefined {
  if (target === undefined) return undefined;
  const key = endpointKey(target.host, target.port);
  return endpoints.has(key) ? key : undefined;
}

function trackEndpointSocket(key: string, socket: net.Socket): void {
  let sockets = endpointSockets.get(key);
  if (!sockets) endpointSockets.set(key, (sockets = new Set()));
  if (sockets.has(socket)) return;
  sockets.add(socket);
  socket.once("close", () => endpointSockets.get(key)?.delete(socket));
}

function endpointHostAllowed(hostname: string): boolean {
  const host = hostname.toLowerCase();
  for (const key of endpoints.keys()) if (key.slice(0, key.lastIndexOf("|")) === host) return true;
  return false;
}

/** The host and port a TCP connect names, or undefined for IPC paths and forms it cannot read. */
function netTarget(args: unknown[]): { host: string; port: number } | undefined {
  let first = args[0];
  if (Array.isArray(first)) first = first[0];
  if (first !== null && typeof first === "object") {
    const options = first as { host?: unknown; port?: unknown };
    return { host: String(options.host ?? "localhost"), port: Number(options.port) };
  }
  if (typeof first === "number" || (typeof first === "string" && !Number.isNaN(Number(first)))) return { host: String(args[1] ?? "localhost"), port: Number(first) };
  return undefined;
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
