// The API's secrets on disk: the bearer token (generated on first start, 0600, only its path is ever
// printed) and the TLS certificate for a non-loopback bind (the person's, or a generated self-signed
// one whose SHA-256 fingerprint is printed so clients can pin it).
import { randomBytes, X509Certificate } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { generate } from "selfsigned";
import { writeFileAtomic } from "../platform/atomic-fs";
import { PincerError } from "../platform/errors";

async function readPrivate(file: string): Promise<string | undefined> {
  try {
    const stat = await fs.stat(file);
    // A secret others can read is not a secret any more: say so rather than use it.
    if (process.platform !== "win32" && (stat.mode & 0o077) !== 0) {
      throw new PincerError(`${file} is readable by other users (mode ${(stat.mode & 0o777).toString(8)}); make it 0600 (chmod 600) or delete it to get a new one.`, "failed");
    }
    return await fs.readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

async function writePrivate(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, text, { mode: 0o600 });
  await fs.chmod(file, 0o600);
}

/** The token in `file`, created (32 random bytes, base64url) on first use. */
export async function ensureApiToken(file: string): Promise<string> {
  const existing = (await readPrivate(file))?.trim();
  if (existing) return existing;
  const token = randomBytes(32).toString("base64url");
  await writePrivate(file, `${token}\n`);
  return token;
}

export interface TlsMaterial {
  cert: string;
  key: string;
  /** SHA-256 fingerprint of the certificate, colon-separated hex (as `openssl x509 -fingerprint -sha256` prints it). */
  fingerprint: string;
  generated: boolean;
}

/** The person's certificate and key, or a self-signed pair kept in `dir` (made once, for `hosts`). */
export async function loadTls(options: { certFile?: string; keyFile?: string; dir: string; hosts: readonly string[] }): Promise<TlsMaterial> {
  if (options.certFile || options.keyFile) {
    if (!options.certFile || !options.keyFile) throw new PincerError("--tls-cert and --tls-key go together.", "invalid-params");
    const cert = await fs.readFile(options.certFile, "utf8");
    const key = (await readPrivate(options.keyFile)) ?? "";
    return { cert, key, fingerprint: new X509Certificate(cert).fingerprint256, generated: false };
  }
  const certFile = path.join(options.dir, "api-cert.pem");
  const keyFile = path.join(options.dir, "api-key.pem");
  const key = await readPrivate(keyFile);
  const cert = await fs.readFile(certFile, "utf8").catch(() => undefined);
  if (key && cert) return { cert, key, fingerprint: new X509Certificate(cert).fingerprint256, generated: false };
  const names = [...new Set(["localhost", ...options.hosts])];
  const notAfter = new Date();
  notAfter.setFullYear(notAfter.getFullYear() + 1);
  const pems = await generate([{ name: "commonName", value: "pincer" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notAfterDate: notAfter,
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: names.map((name) => (/^[\d.]+$|:/.test(name) ? { type: 7, ip: name } : { type: 2, value: name })) },
    ],
  } as never);
  await writePrivate(keyFile, pems.private);
  await fs.writeFile(certFile, pems.cert, { mode: 0o644 });
  return { cert: pems.cert, key: pems.private, fingerprint: new X509Certificate(pems.cert).fingerprint256, generated: true };
}
