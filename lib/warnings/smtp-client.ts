// A small SMTP client over node:net / node:tls: enough to hand plain-text alerts to a relay
// (EHLO, optional STARTTLS or implicit TLS, AUTH PLAIN/LOGIN, MAIL/RCPT/DATA). No dependency, and every
// step's reply is checked, so a refusal surfaces as an error with the server's code rather than a lost mail.
import net from "node:net";
import tls from "node:tls";
import os from "node:os";
import { randomBytes } from "node:crypto";

export type MailMessage = {
  /** "Name <address>" or a bare address. */
  from: string;
  to: string[];
  subject: string;
  text: string;
};

export type SmtpSendResult = { accepted: string[]; rejected: string[]; messageId: string };

export class SmtpError extends Error {
  override name = "SmtpError";
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
  }
}

type Reply = { code: number; lines: string[] };

type SmtpTarget = {
  host: string;
  port: number;
  implicitTls: boolean;
  /** smtp://…?starttls=required refuses to send in clear text; the default upgrades when the server offers it. */
  startTls: "opportunistic" | "required" | "off";
  user?: string;
  password?: string;
  rejectUnauthorized: boolean;
};

export function parseSmtpUrl(smtpUrl: string): SmtpTarget {
  const url = new URL(smtpUrl);
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
    throw new SmtpError(`SMTP_URL must start with smtp:// or smtps:// (got ${url.protocol})`);
  }
  const implicitTls = url.protocol === "smtps:";
  const startTlsParam = url.searchParams.get("starttls");
  return {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port ? Number(url.port) : implicitTls ? 465 : 587,
    implicitTls,
    startTls: startTlsParam === "required" ? "required" : startTlsParam === "off" ? "off" : "opportunistic",
    ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    rejectUnauthorized: url.searchParams.get("tls_verify") !== "off",
  };
}

/** The address inside "Name <address>", or the whole string. */
export function envelopeAddress(address: string): string {
  const match = /<([^<>]+)>\s*$/.exec(address);
  return (match?.[1] ?? address).trim();
}

export async function sendMail(smtpUrl: string, message: MailMessage, options: { timeoutMs?: number } = {}): Promise<SmtpSendResult> {
  const target = parseSmtpUrl(smtpUrl);
  const recipients = message.to.map(envelopeAddress).filter(Boolean);
  if (recipients.length === 0) throw new SmtpError("No recipients");
  for (const address of [envelopeAddress(message.from), ...recipients]) {
    if (/[\r\n<>\s]/.test(address) || !address.includes("@")) throw new SmtpError(`Not an email address: ${JSON.stringify(address)}`);
  }

  const connection = await SmtpConnection.open(target, options.timeoutMs ?? 15_000);
  try {
    await connection.expect([220]);
    let capabilities = await connection.ehlo();
    if (!target.implicitTls && target.startTls !== "off" && capabilities.has("STARTTLS")) {
      await connection.command("STARTTLS", [220]);
      await connection.upgradeToTls(target);
      capabilities = await connection.ehlo();
    } else if (!target.implicitTls && target.startTls === "required") {
      throw new SmtpError("The SMTP server does not offer STARTTLS");
    }
    if (target.user !== undefined) await connection.authenticate(capabilities, target.user, target.password ?? "");

    const messageId = `<${randomBytes(12).toString("hex")}@${envelopeAddress(message.from).split("@")[1] ?? "channelkeys"}>`;
    await connection.command(`MAIL FROM:<${envelopeAddress(message.from)}>`, [250]);
    const accepted: string[] = [];
    const rejected: string[] = [];
    for (const recipient of recipients) {
      const reply = await connection.command(`RCPT TO:<${recipient}>`);
      (reply.code === 250 || reply.code === 251 ? accepted : rejected).push(recipient);
    }
    if (accepted.length === 0) throw new SmtpError(`Every recipient was refused (${rejected.length})`);
    await connection.command("DATA", [354]);
    await connection.command(dotStuff(formatMessage(message, accepted, messageId)) + "\r\n.", [250]);
    await connection.command("QUIT").catch(() => undefined);
    return { accepted, rejected, messageId };
  } finally {
    connection.close();
  }
}

class SmtpConnection {
  private buffer = "";
  private pending: string[] = [];
  private waiter: { resolve: (reply: Reply) => void; reject: (error: Error) => void } | null = null;
  private failure: Error | null = null;

  private constructor(
    private socket: net.Socket | tls.TLSSocket,
    private readonly timeoutMs: number,
  ) {
    this.attach(socket);
  }

  static open(target: SmtpTarget, timeoutMs: number): Promise<SmtpConnection> {
    return new Promise((resolve, reject) => {
      const socket = target.implicitTls
        ? tls.connect({ host: target.host, port: target.port, servername: net.isIP(target.host) ? undefined : target.host, rejectUnauthorized: target.rejectUnauthorized })
        : net.connect({ host: target.host, port: target.port });
      const onError = (error: Error) => reject(new SmtpError(`Could not connect to the SMTP server: ${error.message}`));
      socket.once("error", onError);
      socket.once(target.implicitTls ? "secureConnect" : "connect", () => {
        socket.off("error", onError);
        resolve(new SmtpConnection(socket, timeoutMs));
      });
      socket.setTimeout(timeoutMs, () => socket.destroy(new Error("timed out")));
    });
  }

  private attach(socket: net.Socket | tls.TLSSocket): void {
    socket.setEncoding("utf8");
    socket.setTimeout(this.timeoutMs, () => socket.destroy(new Error("The SMTP server stopped answering")));
    socket.on("data", (chunk: string) => this.onData(chunk));
    socket.on("error", (error) => this.fail(new SmtpError(`SMTP connection failed: ${error.message}`)));
    socket.on("close", () => this.fail(new SmtpError("The SMTP server closed the connection")));
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, "");
      this.buffer = this.buffer.slice(newline + 1);
      this.pending.push(line);
      // "250-…" continues a reply, "250 …" (or a bare code) ends it.
      if (/^\d{3}(?: |$)/.test(line)) this.deliver();
    }
  }

  private deliver(): void {
    const lines = this.pending;
    this.pending = [];
    const code = Number(lines[lines.length - 1]!.slice(0, 3));
    const reply = { code, lines: lines.map((line) => line.slice(4)) };
    const waiter = this.waiter;
    this.waiter = null;
    if (waiter) waiter.resolve(reply);
    else this.fail(new SmtpError(`Unexpected SMTP reply ${code}`, code));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(this.failure);
  }

  private read(): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  async expect(codes: number[]): Promise<Reply> {
    const reply = await this.read();
    if (!codes.includes(reply.code)) {
      throw new SmtpError(`SMTP server answered ${reply.code} ${reply.lines.join(" ").slice(0, 200)}`, reply.code);
    }
    return reply;
  }

  async command(line: string, codes?: number[]): Promise<Reply> {
    const reply = this.read();
    this.socket.write(`${line}\r\n`);
    if (!codes) return reply;
    const answered = await reply;
    if (!codes.includes(answered.code)) {
      const verb = line.split(/[\s:]/)[0] ?? "command";
      throw new SmtpError(`SMTP ${verb.length > 10 ? "message" : verb} refused: ${answered.code} ${answered.lines.join(" ").slice(0, 200)}`, answered.code);
    }
    return answered;
  }

  async ehlo(): Promise<Set<string>> {
    let reply: Reply;
    try {
      reply = await this.command(`EHLO ${clientName()}`, [250]);
    } catch (error) {
      if (!(error instanceof SmtpError) || error.code === undefined) throw error;
      reply = await this.command(`HELO ${clientName()}`, [250]);
    }
    // The first line is the greeting; each further line is one capability ("AUTH PLAIN LOGIN", "STARTTLS").
    return new Set(reply.lines.slice(1).map((line) => line.toUpperCase()));
  }

  upgradeToTls(target: SmtpTarget): Promise<void> {
    return new Promise((resolve, reject) => {
      const plain = this.socket;
      plain.removeAllListeners("data");
      plain.removeAllListeners("close");
      plain.removeAllListeners("error");
      plain.setTimeout(0);
      const secure = tls.connect({
        socket: plain,
        servername: net.isIP(target.host) ? undefined : target.host,
        rejectUnauthorized: target.rejectUnauthorized,
      });
      secure.once("error", (error) => reject(new SmtpError(`STARTTLS failed: ${error.message}`)));
      secure.once("secureConnect", () => {
        this.socket = secure;
        this.attach(secure);
        resolve();
      });
    });
  }

  async authenticate(capabilities: Set<string>, user: string, password: string): Promise<void> {
    const auth = [...capabilities].find((capability) => capability.startsWith("AUTH ")) ?? "";
    const mechanisms = new Set(auth.split(/\s+/).slice(1));
    if (mechanisms.has("PLAIN") || mechanisms.size === 0) {
      await this.command(`AUTH PLAIN ${Buffer.from(`\0${user}\0${password}`).toString("base64")}`, [235]);
      return;
    }
    if (mechanisms.has("LOGIN")) {
      await this.command("AUTH LOGIN", [334]);
      await this.command(Buffer.from(user).toString("base64"), [334]);
      await this.command(Buffer.from(password).toString("base64"), [235]);
      return;
    }
    throw new SmtpError(`The SMTP server offers no supported login method (${[...mechanisms].join(", ")})`);
  }

  close(): void {
    this.socket.removeAllListeners("close");
    this.socket.destroy();
  }
}

function clientName(): string {
  const host = os.hostname().replace(/[^A-Za-z0-9.-]/g, "");
  return host || "channelkeys.localhost";
}

/** RFC 5322 message: plain UTF-8 text, quoted-printable so any byte and line length survives any relay. */
export function formatMessage(message: MailMessage, to: string[], messageId: string): string {
  const headers = [
    `From: ${headerValue(message.from)}`,
    `To: ${to.map(headerValue).join(", ")}`,
    `Subject: ${encodeHeaderWord(headerValue(message.subject))}`,
    `Date: ${new Date().toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: ${messageId}`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: quoted-printable",
    "Auto-Submitted: auto-generated",
  ];
  return `${headers.join("\r\n")}\r\n\r\n${encodeQuotedPrintable(message.text)}`;
}

/** Header values never carry line breaks: that is how headers get injected. */
function headerValue(value: string): string {
  return value.replace(/[\r\n]+/g, " ").trim();
}

function encodeHeaderWord(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  return `=?UTF-8?B?${Buffer.from(value, "utf8").toString("base64")}?=`;
}

export function encodeQuotedPrintable(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  return lines.map(encodeQuotedPrintableLine).join("\r\n");
}

function encodeQuotedPrintableLine(line: string): string {
  const bytes = Buffer.from(line, "utf8");
  const tokens: string[] = [];
  bytes.forEach((byte, index) => {
    const last = index === bytes.length - 1;
    const literal = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last);
    tokens.push(literal ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, "0")}`);
  });
  // Soft line breaks ("=" at the end) keep every encoded line within 76 characters.
  const out: string[] = [];
  let current = "";
  for (const token of tokens) {
    if (current.length + token.length > 75) {
      out.push(`${current}=`);
      current = "";
    }
    current += token;
  }
  out.push(current);
  return out.join("\r\n");
}

/** SMTP ends DATA with a line holding a single "."; a line of the message starting with "." gets a second one. */
function dotStuff(data: string): string {
  return data.replace(/(^|\r\n)\./g, "$1..");
}
