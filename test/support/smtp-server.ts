// A real SMTP server for tests, built on the `smtp-server` package (plain, STARTTLS or implicit TLS), that keeps every
// message it accepted, parsed with `mailparser` for assertions. Used in-process by vitest and as a standalone
// process by Playwright (test/support/smtp-capture-server.ts).
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerAddress } from "smtp-server";

export type CapturedMail = {
  /** Envelope sender and recipients (what MAIL FROM and RCPT TO said). */
  from: string;
  to: string[];
  /** Header names lower-cased, values as sent (unfolded). */
  headers: Record<string, string>;
  subject: string;
  /** The text body, decoded, without the trailing line break. */
  text: string;
  raw: string;
  receivedAt: string;
  /** The user the client authenticated as, if it did. */
  authenticatedAs: string | null;
  /** Whether the message arrived over TLS (STARTTLS or implicit). */
  secure: boolean;
};

export type SmtpTestServer = {
  port: number;
  host: string;
  url: string;
  messages: CapturedMail[];
  /** Resolves with the first message (already received or still to come) that matches. */
  waitForMail(predicate?: (mail: CapturedMail) => boolean): Promise<CapturedMail>;
  /** RCPT TO answers 550 for these addresses. */
  rejectRecipients(addresses: string[]): void;
  clear(): void;
  close(): Promise<void>;
};

export type SmtpTestServerOptions = {
  port?: number;
  host?: string;
  /** A certificate: offered through STARTTLS, or required from the first byte when `implicitTls`. */
  tls?: { key: string; cert: string };
  implicitTls?: boolean;
};

export async function startSmtpServer(options: SmtpTestServerOptions = {}): Promise<SmtpTestServer> {
  const host = options.host ?? "127.0.0.1";
  const messages: CapturedMail[] = [];
  const waiters: Array<{ predicate: (mail: CapturedMail) => boolean; resolve: (mail: CapturedMail) => void }> = [];
  const rejected = new Set<string>();

  const accept = (mail: CapturedMail) => {
    messages.push(mail);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(mail)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(mail);
      }
    }
  };

  const server = new SMTPServer({
    secure: options.implicitTls ?? false,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    // Without a certificate there is nothing to upgrade to.
    disabledCommands: options.tls ? [] : ["STARTTLS"],
    authOptional: true,
    allowInsecureAuth: true,
    banner: "channelkeys-test-smtp",
    logger: false,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username });
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      if (rejected.has(address.address.toLowerCase())) {
        const refusal = new Error("Mailbox unavailable") as Error & { responseCode: number };
        refusal.responseCode = 550;
        return callback(refusal);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        simpleParser(raw)
          .then((parsed) => {
            const headers: Record<string, string> = {};
            for (const { key, line } of parsed.headerLines) {
              headers[key.toLowerCase()] = line.slice(line.indexOf(":") + 1).replace(/\r?\n[ \t]+/g, " ").trim();
            }
            accept({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              to: session.envelope.rcptTo.map((recipient) => recipient.address),
              headers,
              subject: parsed.subject ?? "",
              text: (parsed.text ?? "").replace(/\n$/, ""),
              raw,
              receivedAt: new Date().toISOString(),
              authenticatedAs: typeof session.user === "string" ? session.user : null,
              secure: session.secure,
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  server.on("error", () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const scheme = options.implicitTls ? "smtps" : "smtp";

  return {
    port,
    host,
    url: `${scheme}://${host}:${port}`,
    messages,
    waitForMail(predicate = () => true) {
      const existing = messages.find(predicate);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    rejectRecipients(addresses) {
      for (const address of addresses) rejected.add(address.toLowerCase());
    },
    clear() {
      messages.length = 0;
    },
    close() {
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
