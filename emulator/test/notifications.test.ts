// Marketplace Account Deletion: the public-key endpoint and a signed delivery that a receiver written the way eBay's
// SDKs verify (challenge hash, ECDSA-SHA1 over the raw body with the key fetched by kid) accepts.
import { createHash, createPublicKey, verify } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eiasTokenFor, userIdFor } from "../src/tokens";
import { control, startEmulator, tokenRequest, type RunningEmulator } from "./support";

const VERIFICATION_TOKEN = "verification-token-0123456789-abcdefghijklmnopqrstuvwxyz";

interface Received {
  challengeCodes: string[];
  notifications: Array<{ body: any; verified: boolean }>;
}

let running: RunningEmulator;
let receiver: Server;
let endpoint: string;
const received: Received = { challengeCodes: [], notifications: [] };

/** The PEM comes on one line from eBay; its SDKs put the line breaks back before using it. */
function formatPem(key: string): string {
  return key.replace("-----BEGIN PUBLIC KEY-----", "-----BEGIN PUBLIC KEY-----\n").replace("-----END PUBLIC KEY-----", "\n-----END PUBLIC KEY-----");
}

async function verifySignature(emulatorOrigin: string, header: string, rawBody: string): Promise<boolean> {
  const decoded = JSON.parse(Buffer.from(header, "base64").toString("utf8")) as { alg: string; kid: string; signature: string; digest: string };
  if (decoded.alg !== "ecdsa" || decoded.digest !== "SHA1") return false;
  const appToken = (await (await tokenRequest(emulatorOrigin, { grant_type: "client_credentials" })).json()).access_token;
  const keyResponse = await fetch(`${emulatorOrigin}/commerce/notification/v1/public_key/${decoded.kid}`, { headers: { authorization: `Bearer ${appToken}` } });
  const key = (await keyResponse.json()) as { key: string };
  return verify("sha1", Buffer.from(rawBody), createPublicKey(formatPem(key.key)), Buffer.from(decoded.signature, "base64"));
}

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://receiver");
    if (request.method === "GET") {
      const challengeCode = url.searchParams.get("challenge_code") ?? "";
      received.challengeCodes.push(challengeCode);
      const challengeResponse = createHash("sha256").update(challengeCode + VERIFICATION_TOKEN + endpoint).digest("hex");
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ challengeResponse }));
      return;
    }
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", async () => {
      const verified = await verifySignature(running.origin, String(request.headers["x-ebay-signature"] ?? ""), body);
      received.notifications.push({ body: JSON.parse(body), verified });
      response.writeHead(verified ? 204 : 412).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/ebay/account-deletion`;
  running = await startEmulator({ notification: { endpoint, verificationToken: VERIFICATION_TOKEN } });
});

afterAll(async () => {
  await running.emulator.close();
  await new Promise((resolve) => receiver.close(resolve));
});

beforeEach(async () => {
  received.challengeCodes.length = 0;
  received.notifications.length = 0;
  await control(running.origin, "POST", "reset");
});

describe("GET /commerce/notification/v1/public_key/{kid}", () => {
  it("serves the ECDSA key with an application token, 404 for unknown kids, 401 without a token", async () => {
    const appToken = (await (await tokenRequest(running.origin, { grant_type: "client_credentials" })).json()).access_token;
    const auth = { authorization: `Bearer ${appToken}` };
    const ok = await fetch(`${running.origin}/commerce/notification/v1/public_key/${running.emulator.signingKeyId}`, { headers: auth });
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(Object.keys(body)).toEqual(["key", "algorithm", "digest"]);
    expect(body).toMatchObject({ algorithm: "ECDSA", digest: "SHA1" });
    expect(body.key).toMatch(/^-----BEGIN PUBLIC KEY-----[A-Za-z0-9+/=]+-----END PUBLIC KEY-----$/);

    const unknown = await fetch(`${running.origin}/commerce/notification/v1/public_key/00000000-0000-0000-0000-000000000000`, { headers: auth });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).errors[0].errorId).toBe(195005);
    expect((await fetch(`${running.origin}/commerce/notification/v1/public_key/${running.emulator.signingKeyId}`)).status).toBe(401);
  });
});

describe("POST /__emulator/notifications/account-deletion", () => {
  it("does the challenge handshake, then delivers a signed MARKETPLACE_ACCOUNT_DELETION notification", async () => {
    const { status, json } = await control(running.origin, "POST", "notifications/account-deletion", { username: "demo_us_jane" });
    expect(status).toBe(200);
    expect(json).toMatchObject({ endpoint, challenge: { status: 200, verified: true }, delivery: { status: 204, delivered: true } });
    expect(received.challengeCodes).toHaveLength(1);
    expect(received.notifications).toHaveLength(1);
    const [notification] = received.notifications;
    expect(notification!.verified).toBe(true);
    expect(notification!.body.metadata).toEqual({ topic: "MARKETPLACE_ACCOUNT_DELETION", schemaVersion: "1.0", deprecated: false });
    expect(notification!.body.notification).toMatchObject({
      notificationId: json.notificationId,
      publishAttemptCount: 1,
      data: { username: "demo_us_jane", userId: userIdFor("demo_us_jane"), eiasToken: eiasTokenFor(userIdFor("demo_us_jane")) },
    });
  });

  it("delivers nothing when the endpoint fails the handshake", async () => {
    const { json } = await control(running.origin, "POST", "notifications/account-deletion", {
      username: "demo_us_jane",
      endpoint,
      verificationToken: "a-different-token-that-the-receiver-does-not-know",
    });
    expect(json).toMatchObject({ challenge: { status: 200, verified: false }, delivery: { delivered: false, status: null } });
    expect(received.notifications).toHaveLength(0);
  });

  it("reports an unreachable endpoint and refuses unknown sellers", async () => {
    // An ephemeral port that was just released: nothing listens there.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await control(running.origin, "POST", "notifications/account-deletion", {
      username: "demo_us_jane",
      endpoint: `http://127.0.0.1:${closedPort}/nowhere`,
      verificationToken: VERIFICATION_TOKEN,
    });
    expect(unreachable.json.challenge).toMatchObject({ status: null, verified: false });
    expect((await control(running.origin, "POST", "notifications/account-deletion", { username: "ghost" })).status).toBe(404);
  });
});
