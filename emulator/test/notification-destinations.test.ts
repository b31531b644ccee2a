// Where the emulator may send: destinations come from configuration and can be changed through the control API, but
// only to a configured endpoint (or, when none is configured, to loopback), so the control API cannot turn the
// emulator into a client of arbitrary hosts. Redirects are never followed.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { optionsFromEnv } from "../src/config";
import { connectSeller, control, deliveries, startEmulator, startNotificationReceiver, type NotificationReceiver, type RunningEmulator } from "./support";

const VERIFICATION_TOKEN = "destinations-verification-token-0123456789-abcdefgh";

let receiver: NotificationReceiver;
let other: NotificationReceiver;

beforeAll(async () => {
  receiver = await startNotificationReceiver(VERIFICATION_TOKEN);
  other = await startNotificationReceiver(VERIFICATION_TOKEN);
});
afterAll(async () => {
  await receiver.close();
  await other.close();
});
beforeEach(() => {
  receiver.reset();
  other.reset();
});

describe("with endpoints configured", () => {
  let running: RunningEmulator;
  let origin: string;
  beforeAll(async () => {
    running = await startEmulator({
      notification: {
        endpoint: receiver.url("/deletion"),
        verificationToken: VERIFICATION_TOKEN,
        authorizationRevocationEndpoint: receiver.url("/revocation"),
        authorizationRevocationVerificationToken: VERIFICATION_TOKEN,
        platformNotificationEndpoint: receiver.url("/platform"),
        retryDelaysMs: [10],
      },
    });
    origin = running.origin;
  });
  afterAll(() => running.emulator.close());
  beforeEach(async () => {
    await control(origin, "POST", "reset");
  });

  it("GET /__emulator/notifications/destinations shows them, the allowed endpoints and the retry delays, never a token", async () => {
    const { status, json } = await control(origin, "GET", "notifications/destinations");
    expect(status).toBe(200);
    expect(json).toEqual({
      accountDeletion: { endpoint: receiver.url("/deletion"), verificationTokenSet: true },
      authorizationRevocation: { endpoint: receiver.url("/revocation"), verificationTokenSet: true },
      platformNotifications: { endpoint: receiver.url("/platform") },
      allowedEndpoints: [receiver.url("/deletion"), receiver.url("/revocation"), receiver.url("/platform")],
      retryDelaysMs: [10],
    });
    expect(JSON.stringify(json)).not.toContain(VERIFICATION_TOKEN);
  });

  it("POST changes or removes destinations among the configured endpoints; reset restores the configuration", async () => {
    const moved = await control(origin, "POST", "notifications/destinations", {
      authorizationRevocation: { endpoint: receiver.url("/platform"), verificationToken: VERIFICATION_TOKEN },
      platformNotifications: null,
    });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ authorizationRevocation: { endpoint: receiver.url("/platform") }, platformNotifications: null });

    await connectSeller(origin, "demo_us_jane");
    const revoke = await control(origin, "POST", "users/demo_us_jane/revoke", { reason: "REVOKED_BY_USER" });
    expect(revoke.json.notifications).toEqual([{ id: expect.any(String), topic: "AUTHORIZATION_REVOCATION", endpoint: receiver.url("/platform") }]);
    await deliveries(origin);
    expect(receiver.posts().map((post) => post.path)).toEqual(["/platform"]);

    await control(origin, "POST", "reset");
    expect((await control(origin, "GET", "notifications/destinations")).json.platformNotifications).toEqual({ endpoint: receiver.url("/platform") });
  });

  it("refuses any other endpoint with 403, even on loopback, and changes nothing", async () => {
    const elsewhere = other.url("/revocation");
    const refused = { status: 403, json: { error: "endpoint is not one of the configured notification endpoints" } };
    expect(await control(origin, "POST", "notifications/destinations", { platformNotifications: null, authorizationRevocation: { endpoint: elsewhere, verificationToken: VERIFICATION_TOKEN } })).toEqual(refused);
    expect((await control(origin, "GET", "notifications/destinations")).json.platformNotifications).toEqual({ endpoint: receiver.url("/platform") });
    expect(await control(origin, "POST", "notifications/authorization-revocation", { username: "demo_us_jane", endpoint: elsewhere, verificationToken: VERIFICATION_TOKEN })).toEqual(refused);
    expect(await control(origin, "POST", "notifications/token-revocation", { username: "demo_us_jane", endpoint: elsewhere })).toEqual(refused);
    expect(await control(origin, "POST", "notifications/account-deletion", { username: "demo_us_jane", endpoint: elsewhere, verificationToken: VERIFICATION_TOKEN })).toEqual(refused);
    // Same host and port, another path: still not the configured endpoint.
    expect((await control(origin, "POST", "notifications/token-revocation", { username: "demo_us_jane", endpoint: receiver.url("/platform/../admin") })).status).toBe(403);
    expect(other.requests).toHaveLength(0);
    expect(receiver.requests).toHaveLength(0);
  });

  it("refuses malformed destination requests with 400", async () => {
    for (const body of [
      { nowhere: null },
      { platformNotifications: "http://127.0.0.1/" },
      { platformNotifications: {} },
      { authorizationRevocation: { endpoint: receiver.url("/revocation") } },
      { platformNotifications: { endpoint: "not a url" } },
      { platformNotifications: { endpoint: "ftp://127.0.0.1/platform" } },
    ]) {
      expect((await control(origin, "POST", "notifications/destinations", body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await fetch(`${origin}/__emulator/notifications/destinations`, { method: "DELETE" })).status).toBe(405);
  });
});

describe("with no endpoint configured", () => {
  let running: RunningEmulator;
  let origin: string;
  beforeAll(async () => {
    running = await startEmulator({ notification: { retryDelaysMs: [] } });
    origin = running.origin;
  });
  afterAll(() => running.emulator.close());
  beforeEach(async () => {
    await control(origin, "POST", "reset");
  });

  it("sends nothing on revocation: there is no destination", async () => {
    await connectSeller(origin, "demo_us_jane");
    expect((await control(origin, "POST", "users/demo_us_jane/revoke", { reason: "REVOKED_BY_USER" })).json.notifications).toEqual([]);
    expect(await control(origin, "GET", "notifications/destinations")).toMatchObject({
      json: { accountDeletion: null, authorizationRevocation: null, platformNotifications: null, allowedEndpoints: [], retryDelaysMs: [] },
    });
    expect((await control(origin, "POST", "notifications/token-revocation", { username: "demo_us_jane" })).status).toBe(400);
  });

  it("accepts loopback endpoints (127.x, localhost, [::1]) and refuses every other host with 403", async () => {
    const port = new URL(receiver.url("/")).port;
    for (const endpoint of [receiver.url("/platform"), `http://localhost:${port}/platform`, `http://[::1]:${port}/platform`]) {
      const answer = await control(origin, "POST", "notifications/destinations", { platformNotifications: { endpoint } });
      expect(answer.status, endpoint).toBe(200);
    }
    for (const endpoint of ["http://192.0.2.10/platform", "https://example.com/platform", "http://169.254.169.254/latest/meta-data", "http://127.0.0.1.nip.io/platform"]) {
      expect(await control(origin, "POST", "notifications/destinations", { platformNotifications: { endpoint } }), endpoint).toEqual({
        status: 403,
        json: { error: "no notification endpoint is configured, so only loopback endpoints are allowed" },
      });
    }
  });

  it("delivers to a loopback destination set through the control API", async () => {
    await control(origin, "POST", "notifications/destinations", {
      authorizationRevocation: { endpoint: receiver.url("/revocation"), verificationToken: VERIFICATION_TOKEN },
      platformNotifications: { endpoint: receiver.url("/platform") },
    });
    await connectSeller(origin, "demo_us_jane");
    await control(origin, "POST", "users/demo_us_jane/revoke", { reason: "REVOKED_BY_EBAY" });
    await control(origin, "POST", "notifications/token-revocation", { username: "demo_us_jane", reason: "REVOKED_BY_EBAY" });
    expect((await deliveries(origin)).counts).toEqual({ pending: 0, delivered: 2, failed: 0 });
    expect(receiver.posts().map((post) => post.path).sort()).toEqual(["/platform", "/revocation"]);
  });

  it("never follows a redirect: a 3xx is a failed attempt and its Location is not requested", async () => {
    const redirectTarget = await startNotificationReceiver(VERIFICATION_TOKEN);
    try {
      // The target is loopback too, so only the emulator's refusal to follow redirects keeps it from being called.
      receiver.respond = () => ({ status: 307, headers: { location: redirectTarget.url("/platform") } });
      await control(origin, "POST", "notifications/destinations", { platformNotifications: { endpoint: receiver.url("/platform") } });
      await control(origin, "POST", "notifications/token-revocation", { username: "demo_us_jane" });
      const [delivery] = (await deliveries(origin)).deliveries;
      expect(delivery).toMatchObject({ state: "failed", attempts: [{ status: 307 }] });
      expect(receiver.posts()).toHaveLength(1);
      expect(redirectTarget.requests).toHaveLength(0);
    } finally {
      await redirectTarget.close();
    }
  });
});

describe("configuration from the environment", () => {
  it("reads the destinations and the retry delays", () => {
    const options = optionsFromEnv({
      EBAY_EMULATOR_AUTHORIZATION_REVOCATION_ENDPOINT: "http://localhost:3000/api/ebay/notifications",
      EBAY_EMULATOR_AUTHORIZATION_REVOCATION_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
      EBAY_EMULATOR_PLATFORM_NOTIFICATION_ENDPOINT: "http://localhost:3000/api/ebay/platform-notifications",
      EBAY_EMULATOR_NOTIFICATION_RETRY_DELAYS_MS: "100, 200,300",
    });
    expect(options.notification).toEqual({
      authorizationRevocationEndpoint: "http://localhost:3000/api/ebay/notifications",
      authorizationRevocationVerificationToken: VERIFICATION_TOKEN,
      platformNotificationEndpoint: "http://localhost:3000/api/ebay/platform-notifications",
      retryDelaysMs: [100, 200, 300],
    });
    expect(optionsFromEnv({ EBAY_EMULATOR_NOTIFICATION_RETRY_DELAYS_MS: "none" }).notification?.retryDelaysMs).toEqual([]);
    expect(() => optionsFromEnv({ EBAY_EMULATOR_NOTIFICATION_RETRY_DELAYS_MS: "1s" })).toThrow("EBAY_EMULATOR_NOTIFICATION_RETRY_DELAYS_MS");
  });

  it("refuses to start with a destination that could never work", async () => {
    const { createEmulator } = await import("../src/server");
    expect(() => createEmulator({ notification: { authorizationRevocationEndpoint: "http://localhost:3000/n" } })).toThrow("needs its verification token");
    expect(() => createEmulator({ notification: { platformNotificationEndpoint: "localhost:3000/p" } })).toThrow("must be an http or https URL");
    expect(() => createEmulator({ notification: { endpoint: "not a url" } })).toThrow("must be an absolute URL");
    expect(() => createEmulator({ notification: { retryDelaysMs: [1, -1] } })).toThrow("retry delays");
  });
});

describe("a closing emulator", () => {
  let running: RunningEmulator | undefined;
  afterEach(async () => {
    await running?.emulator.close();
  });

  it("abandons deliveries still waiting for a retry instead of keeping the process alive", async () => {
    running = await startEmulator({ notification: { platformNotificationEndpoint: receiver.url("/platform"), retryDelaysMs: [60_000] } });
    receiver.respond = () => 500;
    await control(running.origin, "POST", "notifications/token-revocation", { username: "demo_us_jane" });
    await receiver.waitForPosts(1);
    await running.emulator.close();
    expect(running.emulator.context.notifications.deliveries()[0]).toMatchObject({ state: "failed", attempts: [{ status: 500 }] });
    running = undefined;
  });
});
