// What every API request passes before any work: a Host this server answers to (DNS rebinding: a
// web page's own domain pointed at 127.0.0.1), no browser Origin (cross-site fetch/WebSocket from
// any page the person visits), and the bearer token (compared in constant time).
import { timingSafeEqual } from "node:crypto";
import net from "node:net";

export interface GuardRefusal {
  status: 401 | 403;
  message: string;
}

/** `Host` names this server answers to: loopback names, IP literals, and names given with --allow-host. */
export function hostAllowed(hostHeader: string | undefined, options: { loopbackOnly: boolean; allowedNames: readonly string[] }): boolean {
  if (!hostHeader) return false;
  const host = hostHeader.startsWith("[") ? hostHeader.slice(1, hostHeader.indexOf("]")) : hostHeader.replace(/:\d+$/, "");
  const name = host.toLowerCase();
  if (name === "localhost" || name === "127.0.0.1" || name === "::1" || /^127\./.test(name)) return true;
  if (options.allowedNames.includes(name)) return true;
  // Off loopback, clients may use the machine's address; an address is not a name a page can rebind.
  return !options.loopbackOnly && net.isIP(name) !== 0;
}

export function checkRequest(
  headers: { host?: string; origin?: string; authorization?: string; "sec-fetch-site"?: string },
  options: { token: string; loopbackOnly: boolean; allowedNames: readonly string[] },
): GuardRefusal | undefined {
  if (!hostAllowed(headers.host, options)) return { status: 403, message: `Host "${headers.host ?? ""}" is not one this server answers to (DNS rebinding is refused).` };
  if (headers.origin !== undefined || headers["sec-fetch-site"] !== undefined) {
    return { status: 403, message: "Requests from web pages (an Origin header) are refused: this API is for local tools, not browsers." };
  }
  const match = /^Bearer (.+)$/.exec(headers.authorization ?? "");
  if (!match || !sameSecret(match[1]!, options.token)) return { status: 401, message: "A bearer token is required (Authorization: Bearer <the token in the file pincer serve --http printed>)." };
  return undefined;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
