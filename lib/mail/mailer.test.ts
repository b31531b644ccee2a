// nodemailer against a real SMTP server on a local port (the `smtp-server` package): plain SMTP, STARTTLS and
// implicit TLS, the TLS ones with a certificate made for this test run. What the hand-written client's tests
// checked of the protocol is nodemailer's now; these check how ChannelKeys drives it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "selfsigned";
import { MailDeliveryError, sendMail, smtpTransportOptions, SmtpUrlError } from "@/lib/mail/mailer";
import { startSmtpServer, type SmtpTestServer } from "@/test/support/smtp-server";

let certificate: { key: string; cert: string };
const servers: SmtpTestServer[] = [];

beforeAll(async () => {
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keySize: 2048,
    extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }] }],
  });
  certificate = { key: pems.private, cert: pems.cert };
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function server(options: Parameters<typeof startSmtpServer>[0] = {}): Promise<SmtpTestServer> {
  const started = await startSmtpServer(options);
  servers.push(started);
  return started;
}

const message = { from: "ChannelKeys <alerts@channelkeys.test>", to: ["owner@example.test"], subject: "Konto für demo_de_haendler", text: "Umlauts: Händler — €\n.a dotted line\nend" };

describe("sendMail through nodemailer", () => {
  it("delivers over plain SMTP with the credentials in SMTP_URL, headers and UTF-8 intact", async () => {
    const smtp = await server();
    const result = await sendMail(`smtp://alert%40bot:s3cret@127.0.0.1:${smtp.port}?starttls=off`, {
      ...message,
      to: ["owner@example.test", "Ops <ops@example.test>"],
      headers: { "List-Unsubscribe": "<https://app.example/u?t=1>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    });
    expect(result.accepted).toEqual(["owner@example.test", "ops@example.test"]);
    const mail = await smtp.waitForMail();
    expect(mail).toMatchObject({ from: "alerts@channelkeys.test", to: ["owner@example.test", "ops@example.test"], authenticatedAs: "alert@bot", secure: false });
    expect(mail.subject).toBe(message.subject);
    expect(mail.text).toBe(message.text);
    expect(mail.headers["list-unsubscribe"]).toBe("<https://app.example/u?t=1>");
    expect(mail.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(mail.headers["message-id"]).toBe(result.messageId);
  });

  it("upgrades with STARTTLS when the server offers it, and checks the certificate", async () => {
    const smtp = await server({ tls: certificate });
    // The test certificate is not signed by a known authority: verification fails…
    await expect(sendMail(`smtp://localhost:${smtp.port}`, message)).rejects.toBeInstanceOf(MailDeliveryError);
    expect(smtp.messages).toHaveLength(0);
    // …and with verification off (a test relay) the message goes out encrypted.
    await sendMail(`smtp://localhost:${smtp.port}?starttls=required&tls_verify=off`, message);
    expect((await smtp.waitForMail()).secure).toBe(true);
  });

  it("refuses to send in clear text when STARTTLS is required and not offered", async () => {
    const smtp = await server();
    await expect(sendMail(`smtp://127.0.0.1:${smtp.port}?starttls=required`, message)).rejects.toBeInstanceOf(MailDeliveryError);
    expect(smtp.messages).toHaveLength(0);
  });

  it("speaks TLS from the first byte for smtps://", async () => {
    const smtp = await server({ tls: certificate, implicitTls: true });
    await sendMail(`smtps://u:p@localhost:${smtp.port}?tls_verify=off`, message);
    expect(await smtp.waitForMail()).toMatchObject({ secure: true, authenticatedAs: "u" });
  });

  it("keeps header injection out: a line break in the subject does not start a header", async () => {
    const smtp = await server();
    await sendMail(`smtp://127.0.0.1:${smtp.port}`, { ...message, subject: "one\r\nBcc: evil@example.test" });
    const mail = await smtp.waitForMail();
    expect(mail.headers.bcc).toBeUndefined();
    expect(mail.to).toEqual(["owner@example.test"]);
  });

  it("fails with a message that names no server detail when the server refuses or nothing listens", async () => {
    const smtp = await server();
    smtp.rejectRecipients(["gone@example.test"]);
    const refused = await sendMail(`smtp://127.0.0.1:${smtp.port}`, { ...message, to: ["gone@example.test"] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MailDeliveryError);
    expect((refused as Error).message).toBe("the mail server did not accept the message");
    expect(String((refused as Error).cause)).toMatch(/550|Mailbox unavailable/);

    const closed = await startSmtpServer();
    await closed.close();
    await expect(sendMail(closed.url, message, { timeoutMs: 2_000 })).rejects.toThrow("the mail server did not accept the message");
  });

  it("reads SMTP_URL's options and refuses other schemes", () => {
    expect(smtpTransportOptions("smtps://a%40b:p%2Fw@mail.example")).toMatchObject({ host: "mail.example", port: 465, secure: true, auth: { user: "a@b", pass: "p/w" } });
    expect(smtpTransportOptions("smtp://mail.example?starttls=off")).toMatchObject({ port: 587, secure: false, ignoreTLS: true, requireTLS: false });
    expect(smtpTransportOptions("smtp://mail.example:25?tls_verify=off").tls).toMatchObject({ rejectUnauthorized: false });
    expect(() => smtpTransportOptions("http://mail.example")).toThrow(SmtpUrlError);
  });
});
