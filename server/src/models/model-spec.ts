// A model setting is either a local file or something to download: an `hf:owner/repo/file.gguf`
// URI or an https URL. This decides which, and where a download would land, without any network.
// Plain http is refused (anyone on the path could swap the weights and the hash published with them), except
// for a hub on this machine named by a loopback address (tests, a local mirror).
import { PincerError } from "../platform/errors";
import { isIPv4 } from "node:net";
import path from "node:path";
import { expandHome } from "./models-dir";

export type ModelSpec =
  | { kind: "path"; path: string }
  | { kind: "remote"; uri: string; fileName: string; hub?: { owner: string; repo: string; file: string; revision: string } };

export class ModelSpecError extends PincerError {
  override name = "ModelSpecError";
  constructor(spec: string, reason: string) {
    super(`Model "${spec}": ${reason}`, "invalid-params");
  }
}

export function parseModelSpec(spec: string, cwd: string = process.cwd()): ModelSpec {
  const trimmed = spec.trim();
  if (trimmed === "") throw new ModelSpecError(spec, "no model is set");
  if (trimmed.startsWith("hf:")) {
    // hf:owner/repo/path/to/file.gguf[#revision]
    const [body, revisionPart] = trimmed.slice(3).split("#");
    const revision = revisionPart || "main"; // "hf:…gguf#" names no revision either
    const parts = (body ?? "").split("/").filter((p) => p !== "");
    if (parts.length < 3 || !/\.gguf$/i.test(parts[parts.length - 1]!)) {
      throw new ModelSpecError(spec, "an hf: URI must name the file, like hf:owner/repo/model-q4_k_m.gguf");
    }
    const [owner, repo, ...rest] = parts;
    const file = rest.join("/");
    return { kind: "remote", uri: trimmed, fileName: path.basename(file), hub: { owner: owner!, repo: repo!, file, revision } };
  }
  if (/^https?:\/\//i.test(trimmed)) {
    const url = new URL(trimmed);
    if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
      throw new ModelSpecError(spec, "plain http is refused (anyone on the network path could swap the file); use an https:// URL (http only for a hub on this machine: 127.0.0.1, [::1], localhost)");
    }
    const fileName = decodeURIComponent(path.posix.basename(url.pathname));
    if (!/\.gguf$/i.test(fileName)) throw new ModelSpecError(spec, "the URL must point at a .gguf file");
    const hubMatch = url.hostname === "huggingface.co" ? url.pathname.match(/^\/([^/]+)\/([^/]+)\/(?:resolve|blob)\/([^/]+)\/(.+)$/) : null;
    const hub = hubMatch ? { owner: hubMatch[1]!, repo: hubMatch[2]!, revision: hubMatch[3]!, file: hubMatch[4]! } : undefined;
    return { kind: "remote", uri: trimmed, fileName, hub };
  }
  return { kind: "path", path: path.resolve(cwd, expandHome(trimmed)) };
}

/** 127.0.0.0/8, ::1 or localhost: a server on this machine (the URL parser has normalized the host already). */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || host === "[::1]" || (isIPv4(host) && host.startsWith("127."));
}

/** Where a remote model is stored once downloaded. */
export function downloadTarget(spec: Extract<ModelSpec, { kind: "remote" }>, modelsDir: string): string {
  return path.join(modelsDir, spec.fileName);
}

/**
 * Where `hf:` URIs are fetched from: `HF_ENDPOINT` (huggingface_hub's own variable: a mirror such as one
 * closer to the person, or the loopback hub of the tests), else https://huggingface.co. The same transport
 * rule as a model URL: https, or http only on this machine.
 */
export function hubEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.HF_ENDPOINT?.trim();
  if (!configured) return "https://huggingface.co";
  let url: URL;
  try {
    url = new URL(configured);
  } catch {
    throw new ModelSpecError(configured, "HF_ENDPOINT is not a URL");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
    throw new ModelSpecError(configured, "HF_ENDPOINT: plain http is refused (anyone on the network path could swap the file); use https (http only for 127.0.0.1, [::1], localhost)");
  }
  return url.href.replace(/\/+$/, "");
}

/** The URL the downloader fetches. */
export function downloadUrl(spec: Extract<ModelSpec, { kind: "remote" }>, env: NodeJS.ProcessEnv = process.env): string {
  if (!spec.hub) return spec.uri;
  if (!spec.uri.startsWith("hf:")) {
    // A huggingface.co page link (…/blob/…, what the browser shows) serves HTML; the file is at …/resolve/….
    const url = new URL(spec.uri);
    url.pathname = url.pathname.replace(/^(\/[^/]+\/[^/]+)\/blob\//, "$1/resolve/");
    return url.href;
  }
  const { owner, repo, revision, file } = spec.hub;
  return `${hubEndpoint(env)}/${owner}/${repo}/resolve/${encodeURIComponent(revision)}/${file.split("/").map(encodeURIComponent).join("/")}`;
}
