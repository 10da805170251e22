// A remote engine's address, checked before anything connects: https anywhere; plain http only to
// loopback and private addresses (the person confirms those like any other endpoint); no user name
// or password in the URL (a key in settings.json would be readable by every extension and sync).
import net from "node:net";
import { PincerError } from "../platform/errors";

export interface RemoteEndpoint {
  /** Base URL without a trailing slash or `/v1` (`https://gpu.lan:8443`, `http://127.0.0.1:8080/llama`). */
  base: string;
  /** `scheme://host:port`, the identity a consent is given to. */
  origin: string;
  /** Host as the URL names it (IPv6 without brackets). */
  host: string;
  port: number;
  /** Plain http (loopback or private address only). */
  plain: boolean;
  loopback: boolean;
}

export function parseEndpoint(text: string): RemoteEndpoint {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new PincerError(`The remote engine URL "${text}" is not a URL (e.g. https://gpu.team.lan:8443).`, "invalid-params");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new PincerError(`The remote engine URL must start with https:// (or http:// on a private network), not ${url.protocol}`, "invalid-params");
  if (url.username || url.password) throw new PincerError("The remote engine URL must not contain a user name or password: set the API key with “Pincer: Set Remote API Key…” (or `pincer remote key`).", "invalid-params");
  if (url.search || url.hash) throw new PincerError("The remote engine URL must not contain a query or fragment.", "invalid-params");
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const loopback = isLoopback(host);
  const plain = url.protocol === "http:";
  if (plain && !loopback && !isPrivateAddress(host)) {
    throw new PincerError(
      `Plain http:// is allowed only for loopback and private network addresses (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7); ${host} is neither. Use https:// (TLS certificate checks always apply).`,
      "invalid-params",
    );
  }
  const path = url.pathname.replace(/\/+$/, "").replace(/\/v1$/, "");
  return { base: `${url.protocol}//${url.host}${path}`, origin: `${url.protocol}//${url.host}`, host, port, plain, loopback };
}

export function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  if (net.isIPv4(host)) return host.startsWith("127.");
  return host === "::1";
}

/** RFC 1918, carrier-grade NAT (Tailscale and similar), IPv6 unique-local; IP literals only (a name could resolve anywhere). */
export function isPrivateAddress(host: string): boolean {
  if (net.isIPv4(host)) {
    const [a, b] = host.split(".").map(Number) as [number, number];
    return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (net.isIPv6(host)) return host === "::1" || /^f[cd][0-9a-f]{0,2}:/.test(host);
  return false;
}
