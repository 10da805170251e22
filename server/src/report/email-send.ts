// One email through the SMTP server the person configured (connections.ts), with nodemailer. The connection
// is encrypted and the certificate checked: implicit TLS or STARTTLS that must succeed (requireTLS: a server
// that does not offer it, or a man in the middle who strips it, fails the send before any credential or
// message byte is sent). Plain text only to a loopback relay. The socket opens under an egress permit for
// this send only, which the person approved with the whole message in front of them.
import { withEgress } from "../platform/egress-guard";
import { isLoopbackHost, type SmtpConnection, type WithPassword } from "./connections";

export class EmailError extends Error {
  override name = "EmailError";
}

export interface EmailMessage {
  to: string[];
  cc: string[];
  subject: string;
  body: string;
  attachments: { filename: string; content: Buffer }[];
}

export interface SentEmail {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

const ADDRESS = /^[^\s@<>(),;:"\\[\]]+@[^\s@<>(),;:"\\[\]]+\.[^\s@<>(),;:"\\[\]]+$/;

/** Refuses what no person meant: bad addresses, header line breaks, an empty recipient list. */
export function checkMessage(message: EmailMessage): void {
  if (message.to.length === 0) throw new EmailError("the message has no recipient");
  for (const address of [...message.to, ...message.cc]) if (!ADDRESS.test(address)) throw new EmailError(`${JSON.stringify(address)} is not an email address`);
  if (/[\r\n]/.test(message.subject)) throw new EmailError("the subject must be one line");
  if (message.subject.trim() === "") throw new EmailError("the subject is empty");
}

/** Why this connection may not carry mail, or undefined. */
export function transportProblem(smtp: SmtpConnection): string | undefined {
  if (smtp.security !== "starttls" && smtp.security !== "tls" && smtp.security !== "none") return `unknown security ${JSON.stringify(smtp.security)} (use "starttls" or "tls")`;
  if (smtp.security === "none" && !isLoopbackHost(smtp.host)) return `plain-text SMTP to ${smtp.host} would expose the message and the password: set security to "starttls" or "tls" (plain text is allowed to this machine only)`;
  return undefined;
}

export async function sendEmail(smtp: WithPassword<SmtpConnection>, message: EmailMessage, signal: AbortSignal): Promise<SentEmail> {
  checkMessage(message);
  const problem = transportProblem(smtp);
  if (problem) throw new EmailError(problem);
  signal.throwIfAborted();
  // Loaded on first use: the server and every CLI command start without it.
  const { default: nodemailer } = await import("nodemailer");
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === "tls",
    requireTLS: smtp.security === "starttls",
    ignoreTLS: smtp.security === "none",
    ...(smtp.user !== undefined ? { auth: { user: smtp.user, pass: smtp.password ?? "" } } : {}),
    tls: { rejectUnauthorized: true, minVersion: "TLSv1.2", ...(smtp.ca ? { ca: smtp.ca } : {}) },
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  const onAbort = () => transport.close();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    const info = await withEgress(`send an approved email through ${smtp.host}`, () =>
      transport.sendMail({
        from: smtp.from,
        to: message.to,
        ...(message.cc.length > 0 ? { cc: message.cc } : {}),
        subject: message.subject,
        text: message.body,
        attachments: message.attachments.map((a) => ({ filename: a.filename, content: a.content })),
        disableFileAccess: true,
        disableUrlAccess: true,
      }),
    );
    return { messageId: info.messageId, accepted: info.accepted.map(String), rejected: info.rejected.map(String) };
  } catch (error) {
    signal.throwIfAborted();
    const e = error as NodeJS.ErrnoException & { command?: string; response?: string };
    const where = `${smtp.host}:${smtp.port}`;
    if (e.code === "ECONNREFUSED" || e.code === "ESOCKET" || e.code === "ETIMEDOUT" || e.code === "ECONNECTION") throw new EmailError(`could not connect to the mail server ${where} (${e.code}: ${e.message}); nothing was sent`);
    if (e.code === "EAUTH") throw new EmailError(`the mail server ${where} refused the credentials; nothing was sent`);
    throw new EmailError(`the mail server ${where} refused the message (${e.code ?? "error"}: ${e.response ?? e.message}); nothing was sent`);
  } finally {
    signal.removeEventListener("abort", onAbort);
    transport.close();
  }
}
