// A real SMTP server for tests: listens on TCP, speaks the protocol (EHLO/HELO, AUTH PLAIN/LOGIN, MAIL, RCPT,
// DATA with dot-unstuffing, RSET, NOOP, QUIT) and keeps every message it accepted, decoded for assertions.
// Used in-process by vitest and as a standalone process by Playwright (test/support/smtp-capture-server.ts).
import net from "node:net";

export type CapturedMail = {
  from: string;
  to: string[];
  /** Header names lower-cased; folded lines unfolded. */
  headers: Record<string, string>;
  subject: string;
  /** Body decoded from its Content-Transfer-Encoding. */
  text: string;
  raw: string;
  receivedAt: string;
  /** The user the client authenticated as, if it did. */
  authenticatedAs: string | null;
};

export type SmtpTestServer = {
  port: number;
  host: string;
  url: string;
  messages: CapturedMail[];
  /** Resolves with the first message (already received or still to come) that matches. */
  waitForMail(predicate?: (mail: CapturedMail) => boolean): Promise<CapturedMail>;
  /** Next RCPT TO answers with this code (e.g. 550) for the given addresses. */
  rejectRecipients(addresses: string[]): void;
  clear(): void;
  close(): Promise<void>;
};

export async function startSmtpServer(options: { port?: number; host?: string } = {}): Promise<SmtpTestServer> {
  const host = options.host ?? "127.0.0.1";
  const messages: CapturedMail[] = [];
  const waiters: Array<{ predicate: (mail: CapturedMail) => boolean; resolve: (mail: CapturedMail) => void }> = [];
  const rejected = new Set<string>();
  const sockets = new Set<net.Socket>();

  const accept = (mail: CapturedMail) => {
    messages.push(mail);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(mail)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(mail);
      }
    }
  };

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    handleSession(socket, { accept, isRejected: (address) => rejected.has(address.toLowerCase()) });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    host,
    url: `smtp://${host}:${port}`,
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
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

type SessionHooks = { accept(mail: CapturedMail): void; isRejected(address: string): boolean };

function handleSession(socket: net.Socket, hooks: SessionHooks): void {
  let buffer = "";
  let from: string | null = null;
  let to: string[] = [];
  let dataLines: string[] | null = null;
  let authenticatedAs: string | null = null;
  let loginStep: "user" | "password" | null = null;
  let loginUser = "";

  const reply = (line: string) => socket.write(`${line}\r\n`);
  const reset = () => {
    from = null;
    to = [];
    dataLines = null;
  };

  socket.setEncoding("utf8");
  reply("220 channelkeys-test-smtp ESMTP ready");

  socket.on("data", (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf("\r\n")) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 2);
      if (dataLines) {
        if (line === ".") {
          const raw = dataLines.join("\r\n");
          hooks.accept({ ...parseMessage(raw), from: from ?? "", to, raw, receivedAt: new Date().toISOString(), authenticatedAs });
          reset();
          reply("250 2.0.0 Ok: queued");
        } else {
          dataLines.push(line.startsWith("..") ? line.slice(1) : line);
        }
        continue;
      }
      if (loginStep) {
        const decoded = Buffer.from(line, "base64").toString("utf8");
        if (loginStep === "user") {
          loginUser = decoded;
          loginStep = "password";
          reply("334 UGFzc3dvcmQ6");
        } else {
          authenticatedAs = loginUser;
          loginStep = null;
          reply("235 2.7.0 Authentication successful");
        }
        continue;
      }
      const verb = line.split(" ")[0]!.toUpperCase();
      const argument = line.slice(verb.length).trim();
      switch (verb) {
        case "EHLO":
          reply("250-channelkeys-test-smtp greets you");
          reply("250-8BITMIME");
          reply("250-AUTH PLAIN LOGIN");
          reply("250 SIZE 10485760");
          break;
        case "HELO":
          reply("250 channelkeys-test-smtp");
          break;
        case "AUTH": {
          const [mechanism, initial] = argument.split(" ");
          if (mechanism?.toUpperCase() === "PLAIN" && initial) {
            authenticatedAs = Buffer.from(initial, "base64").toString("utf8").split("\0")[1] ?? "";
            reply("235 2.7.0 Authentication successful");
          } else if (mechanism?.toUpperCase() === "LOGIN") {
            loginStep = "user";
            reply("334 VXNlcm5hbWU6");
          } else {
            reply("504 5.5.4 Unsupported mechanism");
          }
          break;
        }
        case "MAIL":
          from = /<([^>]*)>/.exec(argument)?.[1] ?? "";
          to = [];
          reply("250 2.1.0 Ok");
          break;
        case "RCPT": {
          const address = /<([^>]*)>/.exec(argument)?.[1] ?? "";
          if (!from) reply("503 5.5.1 MAIL first");
          else if (hooks.isRejected(address)) reply("550 5.1.1 Mailbox unavailable");
          else {
            to.push(address);
            reply("250 2.1.5 Ok");
          }
          break;
        }
        case "DATA":
          if (to.length === 0) reply("503 5.5.1 RCPT first");
          else {
            dataLines = [];
            reply("354 End data with <CR><LF>.<CR><LF>");
          }
          break;
        case "RSET":
          reset();
          reply("250 2.0.0 Ok");
          break;
        case "NOOP":
          reply("250 2.0.0 Ok");
          break;
        case "QUIT":
          reply("221 2.0.0 Bye");
          socket.end();
          break;
        default:
          reply("502 5.5.2 Command not recognized");
      }
    }
  });
}

function parseMessage(raw: string): Pick<CapturedMail, "headers" | "subject" | "text"> {
  const split = raw.indexOf("\r\n\r\n");
  const head = split >= 0 ? raw.slice(0, split) : raw;
  const body = split >= 0 ? raw.slice(split + 4) : "";
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, " ").split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const encoding = (headers["content-transfer-encoding"] ?? "7bit").toLowerCase();
  const text =
    encoding === "quoted-printable"
      ? decodeQuotedPrintable(body)
      : encoding === "base64"
        ? Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8")
        : body;
  return { headers, subject: decodeHeaderWords(headers.subject ?? ""), text: text.replace(/\r\n/g, "\n") };
}

function decodeQuotedPrintable(body: string): string {
  const joined = body.replace(/=\r\n/g, "");
  const bytes: number[] = [];
  for (let index = 0; index < joined.length; index++) {
    const char = joined[index]!;
    const hex = joined.slice(index + 1, index + 3);
    if (char === "=" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(char, "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

function decodeHeaderWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_match, _charset: string, kind: string, encoded: string) =>
    kind.toUpperCase() === "B"
      ? Buffer.from(encoded, "base64").toString("utf8")
      : decodeQuotedPrintable(encoded.replace(/_/g, " ")),
  );
}
