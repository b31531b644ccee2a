// The SMTP client against a real SMTP server listening on a local TCP port (test/support/smtp-server.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sendMail, SmtpError } from "@/lib/warnings/smtp-client";
import { startSmtpServer, type SmtpTestServer } from "@/test/support/smtp-server";

let smtp: SmtpTestServer;

beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp?.close();
});
beforeEach(() => smtp.clear());

describe("sendMail", () => {
  it("delivers a UTF-8 message with dot-stuffed lines, long lines and a non-ASCII subject intact", async () => {
    const text = [
      "Line one",
      ".a line that starts with a dot",
      ".",
      `a long line ${"x".repeat(300)} end`,
      "Umlauts: Händler — prices in €",
      "trailing space ",
    ].join("\n");
    const result = await sendMail(smtp.url, {
      from: "ChannelKeys <alerts@channelkeys.test>",
      to: ["owner@example.test", "Ops <ops@example.test>"],
      subject: "Konto für demo_de_haendler",
      text,
    });
    expect(result.accepted).toEqual(["owner@example.test", "ops@example.test"]);

    const mail = await smtp.waitForMail();
    expect(mail.from).toBe("alerts@channelkeys.test");
    expect(mail.to).toEqual(["owner@example.test", "ops@example.test"]);
    expect(mail.subject).toBe("Konto für demo_de_haendler");
    expect(mail.headers["message-id"]).toBe(result.messageId);
    expect(mail.text).toBe(text);
    expect(mail.raw.split("\r\n").every((line) => line.length <= 998)).toBe(true);
  });

  it("authenticates with the credentials in SMTP_URL", async () => {
    await sendMail(`smtp://alert%40bot:s3cret@127.0.0.1:${smtp.port}`, {
      from: "alerts@channelkeys.test",
      to: ["owner@example.test"],
      subject: "hello",
      text: "hi",
    });
    expect((await smtp.waitForMail()).authenticatedAs).toBe("alert@bot");
  });

  it("reports refused recipients and fails when every recipient is refused", async () => {
    smtp.rejectRecipients(["gone@example.test"]);
    const partial = await sendMail(smtp.url, { from: "a@channelkeys.test", to: ["gone@example.test", "here@example.test"], subject: "s", text: "t" });
    expect(partial).toMatchObject({ accepted: ["here@example.test"], rejected: ["gone@example.test"] });
    await expect(sendMail(smtp.url, { from: "a@channelkeys.test", to: ["gone@example.test"], subject: "s", text: "t" })).rejects.toBeInstanceOf(SmtpError);
  });

  it("refuses header injection through addresses and keeps subjects on one line", async () => {
    await expect(sendMail(smtp.url, { from: "a@channelkeys.test", to: ["x@example.test\r\nBcc: evil@example.test"], subject: "s", text: "t" })).rejects.toThrow(
      /Not an email address/,
    );
    await sendMail(smtp.url, { from: "a@channelkeys.test", to: ["x@example.test"], subject: "one\r\nBcc: evil@example.test", text: "t" });
    const mail = await smtp.waitForMail();
    expect(mail.headers.bcc).toBeUndefined();
    expect(mail.subject).toBe("one Bcc: evil@example.test");
  });

  it("fails with a readable error when nothing listens", async () => {
    const closed = await startSmtpServer();
    const url = closed.url;
    await closed.close();
    await expect(sendMail(url, { from: "a@channelkeys.test", to: ["x@example.test"], subject: "s", text: "t" })).rejects.toThrow(/Could not connect/);
  });
});
