// Marketplace Account Deletion: the public-key endpoint and a signed delivery that a receiver written the way eBay's
// SDKs verify (challenge hash, ECDSA-SHA1 over the raw body with the key fetched by kid) accepts.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eiasTokenFor, userIdFor } from "../src/tokens";
import { control, startEmulator, startNotificationReceiver, tokenRequest, verifyEbaySignature, type NotificationReceiver, type RunningEmulator } from "./support";

const VERIFICATION_TOKEN = "verification-token-0123456789-abcdefghijklmnopqrstuvwxyz";
const PATH = "/ebay/account-deletion";

let running: RunningEmulator;
let receiver: NotificationReceiver;
let endpoint: string;

beforeAll(async () => {
  receiver = await startNotificationReceiver(VERIFICATION_TOKEN);
  endpoint = receiver.url(PATH);
  running = await startEmulator({ notification: { endpoint, verificationToken: VERIFICATION_TOKEN } });
});

afterAll(async () => {
  await running.emulator.close();
  await receiver.close();
});

beforeEach(async () => {
  receiver.reset();
  await control(running.origin, "POST", "reset");
});

/** An ephemeral port that was just released: nothing listens there. */
async function closedPort(): Promise<number> {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  return port;
}

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
    receiver.respond = async (request) => ((await verifyEbaySignature(running.origin, String(request.headers["x-ebay-signature"]), request.body)) ? 204 : 412);
    const { status, json } = await control(running.origin, "POST", "notifications/account-deletion", { username: "demo_us_jane" });
    expect(status).toBe(200);
    expect(json).toMatchObject({ endpoint, challenge: { status: 200, verified: true }, delivery: { status: 204, delivered: true } });
    expect(receiver.requests.map((request) => request.method)).toEqual(["GET", "POST"]);
    const [notification] = receiver.posts();
    const body = JSON.parse(notification!.body);
    expect(body.metadata).toEqual({ topic: "MARKETPLACE_ACCOUNT_DELETION", schemaVersion: "1.0", deprecated: false });
    expect(body.notification).toMatchObject({
      notificationId: json.notificationId,
      publishAttemptCount: 1,
      data: { username: "demo_us_jane", userId: userIdFor("demo_us_jane"), eiasToken: eiasTokenFor(userIdFor("demo_us_jane")) },
    });

    const logged = (await control(running.origin, "GET", "notifications/deliveries")).json;
    expect(logged.deliveries).toMatchObject([{ id: json.notificationId, topic: "MARKETPLACE_ACCOUNT_DELETION", endpoint, state: "delivered", forgedSignature: false }]);
  });

  it("delivers nothing when the endpoint fails the handshake", async () => {
    const { json } = await control(running.origin, "POST", "notifications/account-deletion", {
      username: "demo_us_jane",
      endpoint,
      verificationToken: "a-different-token-that-the-receiver-does-not-know",
    });
    expect(json).toMatchObject({ challenge: { status: 200, verified: false }, delivery: { delivered: false, status: null } });
    expect(receiver.posts()).toHaveLength(0);
  });

  it("forgeSignature sends a body whose X-EBAY-SIGNATURE names the real kid but does not verify", async () => {
    receiver.respond = async (request) => ((await verifyEbaySignature(running.origin, String(request.headers["x-ebay-signature"]), request.body)) ? 204 : 412);
    const { json } = await control(running.origin, "POST", "notifications/account-deletion", { username: "demo_us_jane", forgeSignature: true });
    expect(json.delivery).toEqual({ status: 412, delivered: false });
    const header = JSON.parse(Buffer.from(String(receiver.posts()[0]!.headers["x-ebay-signature"]), "base64").toString("utf8"));
    expect(header).toMatchObject({ alg: "ecdsa", kid: running.emulator.signingKeyId, digest: "SHA1" });
  });

  it("refuses an endpoint that is not the configured one (403) and unknown sellers (404)", async () => {
    const elsewhere = await control(running.origin, "POST", "notifications/account-deletion", {
      username: "demo_us_jane",
      endpoint: receiver.url("/somewhere-else"),
      verificationToken: VERIFICATION_TOKEN,
    });
    expect(elsewhere).toEqual({ status: 403, json: { error: "endpoint is not one of the configured notification endpoints" } });
    expect(receiver.requests).toHaveLength(0);
    expect((await control(running.origin, "POST", "notifications/account-deletion", { username: "ghost" })).status).toBe(404);
  });

  it("reports a configured endpoint that nobody answers", async () => {
    const unreachableEndpoint = `http://127.0.0.1:${await closedPort()}/nowhere`;
    const other = await startEmulator({ notification: { endpoint: unreachableEndpoint, verificationToken: VERIFICATION_TOKEN } });
    try {
      const unreachable = await control(other.origin, "POST", "notifications/account-deletion", { username: "demo_us_jane" });
      expect(unreachable.json.challenge).toMatchObject({ status: null, verified: false, error: expect.stringContaining("ECONNREFUSED") });
      expect(unreachable.json.delivery).toEqual({ status: null, delivered: false });
    } finally {
      await other.emulator.close();
    }
  });
});
