// Revocations tell the product: AUTHORIZATION_REVOCATION (Notification API, JSON signed with ECDSA like account
// deletion) for OAuth grants, TokenRevocation (Platform Notifications, SOAP signed with MD5) for Auth'n'Auth tokens.
// Delivered in the background with retries; the receiver here checks both signatures the way eBay documents them.
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eiasTokenFor, userIdFor } from "../src/tokens";
import {
  DEMO_APP,
  advanceClock,
  authNAuthToken,
  basicAuth,
  connectSeller,
  control,
  deliveries,
  expectedNotificationSignature,
  refresh,
  startEmulator,
  startNotificationReceiver,
  trading,
  verifyEbaySignature,
  type NotificationReceiver,
  type ReceivedRequest,
  type RunningEmulator,
} from "./support";

const VERIFICATION_TOKEN = "revocation-verification-token-0123456789-abcdefghij";
const NOTIFICATION_PATH = "/api/ebay/notifications";
const PLATFORM_PATH = "/api/ebay/platform-notifications";
const PARTNER = {
  clientId: "PartnerA-Partner-EMU-0a1b2c3d4-5e6f7a8b",
  clientSecret: "EMU-partner-0a1b-2c3d-4e5f-6a7b8c9d0e1f",
  ruName: "Partner_App-PartnerA-EMU-ijklmnop",
};

let running: RunningEmulator;
let origin: string;
let receiver: NotificationReceiver;

beforeAll(async () => {
  receiver = await startNotificationReceiver(VERIFICATION_TOKEN);
  running = await startEmulator({
    extraApps: [{ ...PARTNER, acceptUrl: "http://localhost:3000/partner/callback" }],
    notification: {
      authorizationRevocationEndpoint: receiver.url(NOTIFICATION_PATH),
      authorizationRevocationVerificationToken: VERIFICATION_TOKEN,
      platformNotificationEndpoint: receiver.url(PLATFORM_PATH),
      retryDelaysMs: [20, 20],
    },
  });
  origin = running.origin;
});

afterAll(async () => {
  await running.emulator.close();
  await receiver.close();
});

beforeEach(async () => {
  receiver.reset();
  await control(origin, "POST", "reset");
});

const soapParser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, removeNSPrefix: true });

function soapMessage(request: ReceivedRequest): { signature: string; response: Record<string, any> } {
  const envelope = (soapParser.parse(request.body) as { Envelope: { Header: any; Body: any } }).Envelope;
  return { signature: envelope.Header.RequesterCredentials.NotificationSignature, response: envelope.Body.GetTokenStatusResponse };
}

const json = (request: ReceivedRequest) => JSON.parse(request.body);

describe("AUTHORIZATION_REVOCATION (OAuth grants)", () => {
  it("the revoke answers at once; the signed notification follows in the background", async () => {
    await connectSeller(origin, "demo_us_jane");
    // The receiver holds its answers, so a revoke that waited for delivery could not answer before it.
    receiver.delayMs = 300;
    const revoke = await control(origin, "POST", "users/demo_us_jane/revoke", { reason: "REVOKED_BY_USER" });
    expect(revoke.status).toBe(200);
    expect(revoke.json.notifications).toEqual([{ id: expect.any(String), topic: "AUTHORIZATION_REVOCATION", endpoint: receiver.url(NOTIFICATION_PATH) }]);
    const immediately = (await control(origin, "GET", "notifications/deliveries")).json;
    expect(immediately.counts).toEqual({ pending: 1, delivered: 0, failed: 0 });
    expect(receiver.posts()).toHaveLength(0);

    const settled = await deliveries(origin);
    expect(settled.counts).toEqual({ pending: 0, delivered: 1, failed: 0 });
    const [delivery] = settled.deliveries;
    expect(delivery).toEqual({
      id: revoke.json.notifications[0].id,
      topic: "AUTHORIZATION_REVOCATION",
      endpoint: receiver.url(NOTIFICATION_PATH),
      username: "demo_us_jane",
      userId: userIdFor("demo_us_jane"),
      reason: "REVOKED_BY_USER",
      forgedSignature: false,
      state: "delivered",
      queuedAt: expect.any(String),
      attempts: [{ at: expect.any(String), challenge: { status: 200, verified: true }, status: 204 }],
    });

    // What the endpoint saw: the destination's challenge first, then one POST.
    expect(receiver.requests.map((request) => `${request.method} ${request.path}`)).toEqual([`GET ${NOTIFICATION_PATH}`, `POST ${NOTIFICATION_PATH}`]);
    const [post] = receiver.posts();
    expect(post!.headers["content-type"]).toBe("application/json");
    expect(await verifyEbaySignature(origin, String(post!.headers["x-ebay-signature"]), post!.body)).toBe(true);
    const body = json(post!);
    expect(Object.keys(body)).toEqual(["metadata", "notification"]);
    expect(body.metadata).toEqual({ topic: "AUTHORIZATION_REVOCATION", schemaVersion: "1.0", deprecated: false });
    expect(body.notification).toEqual({
      notificationId: delivery.id,
      eventDate: revoke.json.revocationTime,
      publishDate: expect.any(String),
      publishAttemptCount: 1,
      data: {
        username: "demo_us_jane",
        userId: userIdFor("demo_us_jane"),
        eiasToken: eiasTokenFor(userIdFor("demo_us_jane")),
        revokeReason: "REVOKED_BY_USER",
        revocationDate: revoke.json.revocationTime,
      },
    });
    expect(Object.keys(body.notification.data)).toEqual(["username", "userId", "eiasToken", "revokeReason", "revocationDate"]);
  });

  it("carries every revoke reason, PASSWORD_CHANGE included, and validates the destination only once", async () => {
    const sellers = { demo_us_jane: "REVOKED_BY_USER", demo_us_store: "REVOKED_BY_EBAY", demo_uk_traders: "REVOKED_BY_APP", demo_de_haendler: "PASSWORD_CHANGE" };
    for (const [username, reason] of Object.entries(sellers)) {
      await connectSeller(origin, username);
      expect((await control(origin, "POST", `users/${username}/revoke`, { reason })).json.notifications).toHaveLength(1);
    }
    expect((await deliveries(origin)).counts).toEqual({ pending: 0, delivered: 4, failed: 0 });
    const received = Object.fromEntries(receiver.posts().map((post) => [json(post).notification.data.username, json(post).notification.data.revokeReason]));
    expect(received).toEqual(sellers);
    expect(receiver.requests.filter((request) => request.method === "GET")).toHaveLength(1);
  });

  it("stays silent when no live authorization ended: no grant, a grant already revoked or expired, another app's grant", async () => {
    expect((await control(origin, "POST", "users/demo_us_jane/revoke", { reason: "REVOKED_BY_USER" })).json.notifications).toEqual([]);

    await connectSeller(origin, "demo_us_store");
    expect((await control(origin, "POST", "users/demo_us_store/revoke", { reason: "REVOKED_BY_USER" })).json.notifications).toHaveLength(1);
    expect((await control(origin, "POST", "users/demo_us_store/revoke", { reason: "REVOKED_BY_EBAY" })).json.notifications).toEqual([]);

    // Another app's consent: eBay would tell that app, and the emulator only has the product app's destinations.
    await connectSeller(origin, "demo_au_mick", { clientId: PARTNER.clientId, clientSecret: PARTNER.clientSecret, ruName: PARTNER.ruName });
    const partnerOnly = await control(origin, "POST", "users/demo_au_mick/revoke", { reason: "REVOKED_BY_USER" });
    expect(partnerOnly.json).toMatchObject({ revoked: { refreshTokens: 1 }, notifications: [] });

    await connectSeller(origin, "demo_fr_boutique");
    await advanceClock(origin, 47_304_000);
    expect((await control(origin, "POST", "users/demo_fr_boutique/revoke", { reason: "REVOKED_BY_USER" })).json.notifications).toEqual([]);

    expect((await deliveries(origin)).deliveries.map((delivery) => delivery.username)).toEqual(["demo_us_store"]);
  });

  it("the app's own revocations send REVOKED_BY_APP: token/revoke with a refresh token and Trading RevokeToken; an access token alone sends nothing", async () => {
    const revokeEndpoint = (token: string, hint: string) =>
      fetch(`${origin}/identity/v1/oauth2/token/revoke`, {
        method: "POST",
        headers: { authorization: basicAuth(), "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token, token_type_hint: hint }).toString(),
      });
    const jane = await connectSeller(origin, "demo_us_jane");
    expect((await revokeEndpoint(jane.accessToken, "access_token")).status).toBe(200);
    expect((await revokeEndpoint(jane.refreshToken, "refresh_token")).status).toBe(200);
    expect((await revokeEndpoint(jane.refreshToken, "refresh_token")).status).toBe(200);

    const store = await connectSeller(origin, "demo_us_store");
    expect((await trading(origin, "RevokeToken", { iafToken: store.accessToken })).body.Ack).toBe("Success");

    const settled = await deliveries(origin);
    expect(settled.deliveries.map((delivery) => [delivery.username, delivery.reason, delivery.state])).toEqual([
      ["demo_us_jane", "REVOKED_BY_APP", "delivered"],
      ["demo_us_store", "REVOKED_BY_APP", "delivered"],
    ]);
    expect(receiver.posts().map((post) => json(post).notification.data.revokeReason)).toEqual(["REVOKED_BY_APP", "REVOKED_BY_APP"]);
  });

  it("retries a failed delivery with the same notificationId, a counted publishAttemptCount and a fresh valid signature", async () => {
    await connectSeller(origin, "demo_us_jane");
    const answers = [500, 503];
    receiver.respond = () => answers.shift() ?? 204;
    await control(origin, "POST", "users/demo_us_jane/revoke", { reason: "REVOKED_BY_EBAY" });
    const [delivery] = (await deliveries(origin)).deliveries;
    expect(delivery.state).toBe("delivered");
    expect(delivery.attempts.map((attempt: { status: number }) => attempt.status)).toEqual([500, 503, 204]);
    // The destination was validated on the first attempt; retries go straight to the POST.
    expect(delivery.attempts.map((attempt: { challenge?: unknown }) => attempt.challenge !== undefined)).toEqual([true, false, false]);

    const posts = receiver.posts();
    expect(posts.map((post) => json(post).notification.publishAttemptCount)).toEqual([1, 2, 3]);
    expect(new Set(posts.map((post) => json(post).notification.notificationId))).toEqual(new Set([delivery.id]));
    for (const post of posts) expect(await verifyEbaySignature(origin, String(post.headers["x-ebay-signature"]), post.body)).toBe(true);
  });

  it("gives up after the configured retries and records every failure", async () => {
    await connectSeller(origin, "demo_us_jane");
    receiver.respond = () => 500;
    await control(origin, "POST", "users/demo_us_jane/revoke", { reason: "REVOKED_BY_USER" });
    const settled = await deliveries(origin);
    expect(settled.counts).toEqual({ pending: 0, delivered: 0, failed: 1 });
    expect(settled.deliveries[0].attempts.map((attempt: { status: number }) => attempt.status)).toEqual([500, 500, 500]);
    expect(receiver.posts()).toHaveLength(3);
  });

  it("sends nothing to a destination that fails the challenge, and counts that as a failed attempt", async () => {
    const changed = await control(origin, "POST", "notifications/destinations", {
      authorizationRevocation: { endpoint: receiver.url(NOTIFICATION_PATH), verificationToken: "not-the-token-the-endpoint-knows" },
    });
    expect(changed.status).toBe(200);
    await connectSeller(origin, "demo_us_jane");
    await control(origin, "POST", "users/demo_us_jane/revoke", { reason: "REVOKED_BY_USER" });
    const [delivery] = (await deliveries(origin)).deliveries;
    expect(delivery.state).toBe("failed");
    expect(delivery.attempts).toHaveLength(3);
    expect(delivery.attempts[0]).toEqual({
      at: expect.any(String),
      challenge: { status: 200, verified: false },
      status: null,
      error: "the endpoint failed the challenge_code validation",
    });
    expect(receiver.posts()).toHaveLength(0);
  });
});

describe("TokenRevocation (Auth'n'Auth, Platform Notifications)", () => {
  it("revoking the seller sends a SOAP TokenRevocation whose TokenStatus is what GetTokenStatus then reports", async () => {
    const { token, hardExpirationTime } = await authNAuthToken(origin, "demo_us_store");
    await connectSeller(origin, "demo_us_store");
    const revoke = await control(origin, "POST", "users/demo_us_store/revoke", { reason: "REVOKED_BY_EBAY" });
    expect(revoke.json.revoked).toEqual({ refreshTokens: 1, accessTokens: 1, authNAuthTokens: 1 });
    expect(revoke.json.notifications.map((notification: { topic: string }) => notification.topic)).toEqual(["AUTHORIZATION_REVOCATION", "TokenRevocation"]);

    const settled = await deliveries(origin, { topic: "TokenRevocation" });
    expect(settled.deliveries).toEqual([
      {
        id: expect.stringMatching(/^\d{15,}$/),
        topic: "TokenRevocation",
        endpoint: receiver.url(PLATFORM_PATH),
        username: "demo_us_store",
        userId: userIdFor("demo_us_store"),
        reason: "RevokedByeBay",
        forgedSignature: false,
        state: "delivered",
        queuedAt: expect.any(String),
        attempts: [{ at: expect.any(String), status: 200 }],
      },
    ]);

    const [post] = receiver.posts(PLATFORM_PATH);
    expect(post!.headers["content-type"]).toBe('text/xml; charset="utf-8"');
    expect(post!.headers.soapaction).toBe('"https://developer.ebay.com/notification/TokenRevocation"');
    expect(post!.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<soapenv:Envelope xmlns:soapenv="http:\/\/schemas.xmlsoap.org\/soap\/envelope\/"/);
    expect(post!.body).toContain('<ebl:RequesterCredentials soapenv:mustUnderstand="0" xmlns:ns="urn:ebay:apis:eBLBaseComponents" xmlns:ebl="urn:ebay:apis:eBLBaseComponents">');
    expect(post!.body).toContain('<GetTokenStatusResponse xmlns="urn:ebay:apis:eBLBaseComponents">');

    const { signature, response } = soapMessage(post!);
    expect(signature).toBe(expectedNotificationSignature(response.Timestamp));
    expect(Object.keys(response)).toEqual(["Timestamp", "Ack", "CorrelationID", "Version", "Build", "NotificationEventName", "RecipientUserID", "TokenStatus"]);
    expect(response).toMatchObject({ Ack: "Success", CorrelationID: settled.deliveries[0].id, NotificationEventName: "TokenRevocation", RecipientUserID: "demo_us_store" });
    expect(response.TokenStatus).toEqual({
      Status: "RevokedByeBay",
      EIASToken: eiasTokenFor(userIdFor("demo_us_store")),
      ExpirationTime: hardExpirationTime,
      RevocationTime: revoke.json.revocationTime,
    });
    const status = await trading(origin, "GetTokenStatus", { authToken: token });
    expect(status.body.TokenStatus).toEqual(response.TokenStatus);
  });

  it("PASSWORD_CHANGE sends none (the token survives); the app's RevokeToken sends RevokedByApp", async () => {
    const { token } = await authNAuthToken(origin, "demo_us_jane");
    const passwordChange = await control(origin, "POST", "users/demo_us_jane/revoke", { reason: "PASSWORD_CHANGE" });
    expect(passwordChange.json.notifications).toEqual([]);

    expect((await trading(origin, "RevokeToken", { authToken: token })).body.Ack).toBe("Success");
    const [delivery] = (await deliveries(origin, { topic: "TokenRevocation" })).deliveries;
    expect(delivery).toMatchObject({ username: "demo_us_jane", reason: "RevokedByApp", state: "delivered" });
    expect(soapMessage(receiver.posts(PLATFORM_PATH)[0]!).response.TokenStatus.Status).toBe("RevokedByApp");
  });

  it("retries with a new Timestamp and a signature that matches it", async () => {
    await authNAuthToken(origin, "demo_uk_traders");
    const answers = [500];
    receiver.respond = (request) => (request.path === PLATFORM_PATH ? (answers.shift() ?? 200) : 204);
    await control(origin, "POST", "users/demo_uk_traders/revoke", { reason: "REVOKED_BY_USER" });
    const [delivery] = (await deliveries(origin, { topic: "TokenRevocation" })).deliveries;
    expect(delivery.attempts.map((attempt: { status: number }) => attempt.status)).toEqual([500, 200]);
    const messages = receiver.posts(PLATFORM_PATH).map(soapMessage);
    expect(messages).toHaveLength(2);
    for (const { signature, response } of messages) {
      expect(signature).toBe(expectedNotificationSignature(response.Timestamp));
      expect(response.CorrelationID).toBe(delivery.id);
    }
  });
});

describe("control routes that send a revocation notification without revoking anything", () => {
  it("POST /__emulator/notifications/authorization-revocation answers 202 and delivers; the seller's tokens still work", async () => {
    const { refreshToken } = await connectSeller(origin, "demo_us_jane");
    const sent = await control(origin, "POST", "notifications/authorization-revocation", { username: "demo_us_jane", reason: "REVOKED_BY_EBAY" });
    expect(sent.status).toBe(202);
    expect(sent.json.delivery).toMatchObject({ topic: "AUTHORIZATION_REVOCATION", username: "demo_us_jane", reason: "REVOKED_BY_EBAY", state: "pending" });
    expect((await deliveries(origin)).deliveries[0].state).toBe("delivered");
    expect(json(receiver.posts()[0]!).notification.data.revokeReason).toBe("REVOKED_BY_EBAY");
    expect((await refresh(origin, refreshToken)).status).toBe(200);

    const defaultReason = await control(origin, "POST", "notifications/authorization-revocation", { username: "demo_us_store" });
    expect(defaultReason.json.delivery.reason).toBe("REVOKED_BY_USER");
    expect((await control(origin, "POST", "notifications/authorization-revocation", { username: "demo_us_store", reason: "BORED" })).status).toBe(400);
    expect((await control(origin, "POST", "notifications/authorization-revocation", { username: "ghost" })).status).toBe(404);
  });

  it("POST /__emulator/notifications/token-revocation sends a TokenRevocation for a seller without a token too", async () => {
    const sent = await control(origin, "POST", "notifications/token-revocation", { username: "demo_fr_boutique", reason: "REVOKED_BY_APP" });
    expect(sent.status).toBe(202);
    expect(sent.json.delivery).toMatchObject({ topic: "TokenRevocation", reason: "RevokedByApp" });
    await deliveries(origin);
    const { response } = soapMessage(receiver.posts(PLATFORM_PATH)[0]!);
    const now = new Date((await control(origin, "GET", "clock")).json.now);
    const eighteenMonths = new Date(now);
    eighteenMonths.setUTCMonth(eighteenMonths.getUTCMonth() + 18);
    expect(Math.abs(Date.parse(response.TokenStatus.ExpirationTime) - eighteenMonths.getTime())).toBeLessThan(60_000);
    expect((await control(origin, "POST", "notifications/token-revocation", { username: "demo_fr_boutique", reason: "PASSWORD_CHANGE" })).status).toBe(400);
  });

  it("forgeSignature produces notifications a verifying receiver rejects", async () => {
    receiver.respond = async (request) => {
      if (request.path === PLATFORM_PATH) {
        const { signature, response } = soapMessage(request);
        return signature === expectedNotificationSignature(response.Timestamp) ? 200 : 401;
      }
      return (await verifyEbaySignature(origin, String(request.headers["x-ebay-signature"]), request.body)) ? 204 : 412;
    };
    await control(origin, "POST", "notifications/authorization-revocation", { username: "demo_us_jane", forgeSignature: true });
    await control(origin, "POST", "notifications/token-revocation", { username: "demo_us_jane", forgeSignature: true });
    const settled = await deliveries(origin);
    expect(settled.deliveries.map((delivery) => [delivery.topic, delivery.forgedSignature, delivery.state, delivery.attempts.map((attempt: { status: number }) => attempt.status)])).toEqual([
      ["AUTHORIZATION_REVOCATION", true, "failed", [412, 412, 412]],
      ["TokenRevocation", true, "failed", [401, 401, 401]],
    ]);
    // A genuine one still passes the same receiver.
    await control(origin, "POST", "notifications/authorization-revocation", { username: "demo_us_jane" });
    expect((await deliveries(origin, { topic: "AUTHORIZATION_REVOCATION" })).counts).toMatchObject({ delivered: 1, failed: 1 });
  });

  it("GET /__emulator/notifications/deliveries filters by topic and username and validates waitMs", async () => {
    await control(origin, "POST", "notifications/authorization-revocation", { username: "demo_us_jane" });
    await control(origin, "POST", "notifications/token-revocation", { username: "demo_us_store" });
    expect((await deliveries(origin)).counts).toEqual({ pending: 0, delivered: 2, failed: 0 });
    expect((await deliveries(origin, { topic: "TokenRevocation" })).deliveries.map((delivery) => delivery.username)).toEqual(["demo_us_store"]);
    expect((await deliveries(origin, { username: "DEMO_US_JANE" })).deliveries.map((delivery) => delivery.topic)).toEqual(["AUTHORIZATION_REVOCATION"]);
    expect((await control(origin, "GET", "notifications/deliveries?waitMs=-1")).status).toBe(400);
    expect((await control(origin, "GET", "notifications/deliveries?waitMs=soon")).status).toBe(400);

    await control(origin, "POST", "reset");
    expect((await control(origin, "GET", "notifications/deliveries")).json).toEqual({ counts: { pending: 0, delivered: 0, failed: 0 }, deliveries: [] });
  });
});
