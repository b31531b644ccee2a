// Outgoing mail through nodemailer: warning alerts, recipient confirmations and password resets, to the operator's
// mail server named by SMTP_URL:
//   smtp://user:pass@host:587     plain connection, upgraded with STARTTLS when the server offers it
//   smtp://…?starttls=required    refuse to send unless the connection is upgraded
//   smtp://…?starttls=off         never upgrade (a relay on localhost)
//   smtps://user:pass@host:465    TLS from the first byte
//   …&tls_verify=off              accept a certificate that does not verify (a test relay; never for a real one)
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";

export type MailMessage = {
  /** "Name <address>" or a bare address. */
  from: string;
  to: string[];
  subject: string;
  text: string;
  /** Extra headers (List-Unsubscribe and friends). */
  headers?: Record<string, string>;
};

export type MailSendResult = { accepted: string[]; rejected: string[]; messageId: string };

/**
 * A message that did not go out. `message` is what users may see (the notifications page): one sentence, never a
 * remote server's words; `cause` keeps the real reason for the server log and tests.
 */
export class MailDeliveryError extends Error {
  override name = "MailDeliveryError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class SmtpUrlError extends Error {
  override name = "SmtpUrlError";
}

export function smtpTransportOptions(smtpUrl: string, timeoutMs = 15_000): SMTPTransport.Options {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new SmtpUrlError("SMTP_URL is not a URL (smtp://user:pass@host:587 or smtps://…)");
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
    throw new SmtpUrlError(`SMTP_URL must start with smtp:// or smtps:// (got ${url.protocol})`);
  }
  const implicitTls = url.protocol === "smtps:";
  const startTls = url.searchParams.get("starttls");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return {
    host,
    port: url.port ? Number(url.port) : implicitTls ? 465 : 587,
    secure: implicitTls,
    requireTLS: !implicitTls && startTls === "required",
    ignoreTLS: !implicitTls && startTls === "off",
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    tls: { rejectUnauthorized: url.searchParams.get("tls_verify") !== "off", servername: host },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // Messages are built from text only: nodemailer must never read a file or fetch a URL for one.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

export async function sendMail(smtpUrl: string, message: MailMessage, options: { timeoutMs?: number } = {}): Promise<MailSendResult> {
  const transport = nodemailer.createTransport(smtpTransportOptions(smtpUrl, options.timeoutMs));
  try {
    const info = await transport.sendMail({
      from: message.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      headers: message.headers,
    });
    const addresses = (list: SMTPTransport.SentMessageInfo["accepted"]) => list.map((entry) => (typeof entry === "string" ? entry : entry.address));
    return { accepted: addresses(info.accepted), rejected: addresses(info.rejected), messageId: info.messageId };
  } catch (error) {
    throw new MailDeliveryError("the mail server did not accept the message", { cause: error });
  } finally {
    transport.close();
  }
}

/** SMTP_URL, or null when email is off. */
export function smtpUrlFromEnv(env: Record<string, string | undefined> = process.env): string | null {
  return env.SMTP_URL?.trim() || null;
}

/** ALERT_EMAIL_FROM, the sender of every message. */
export function mailFromEnv(env: Record<string, string | undefined> = process.env): string {
  return env.ALERT_EMAIL_FROM?.trim() || "ChannelKeys <alerts@channelkeys.invalid>";
}
