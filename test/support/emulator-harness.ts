// Test-only: runs the real eBay emulator in-process on a random port and drives its /__emulator/ control API,
// so the client and check tests talk HTTP to the same server the product uses in demos. Never imported by app code.
import { createEmulator, type CreateEmulatorOptions } from "@/emulator/src/server";
import { getEbayConfig, type EbayConfig } from "@/lib/ebay/config";

export type RevokeReason = "REVOKED_BY_USER" | "REVOKED_BY_EBAY" | "REVOKED_BY_APP" | "PASSWORD_CHANGE";

export type EmulatedSeller = { username: string; userId: string; eiasToken: string };

export type FaultSpec = {
  pathPrefix?: string;
  status?: number;
  retryAfterSeconds?: number;
  latencyMs?: number;
  rate?: number;
  count?: number;
  mode?: "timeout" | "malformed" | "reset";
};

export const TOKEN_PATH = "/identity/v1/oauth2/token";
export const GET_USER_PATH = "/commerce/identity/v1/user";
export const TRADING_PATH = "/ws/api.dll";

/** Short enough that the emulator's hung "timeout" fault ends a test quickly; long enough for a loaded CI box. */
export const TEST_TIMEOUT_MS = 1500;

export type EmulatorHarness = {
  origin: string;
  config: EbayConfig;
  reset(): Promise<void>;
  createSeller(prefix?: string): Promise<EmulatedSeller>;
  /** A consent as if the seller approved in the browser: the accept URL eBay would redirect to. */
  consent(username: string, options?: { scopes?: string[]; state?: string }): Promise<{ location: string; code: string; rawCode: string }>;
  revoke(username: string, reason: RevokeReason): Promise<void>;
  /**
   * The seller's side of an Auth'n'Auth sign-in: opens the product's sign-in URL, signs in and agrees (or declines);
   * answers where eBay sends the browser back to.
   */
  authNAuthSignIn(signInUrl: string, username: string, options?: { decline?: boolean }): Promise<string>;
  /** Any control route, for the notification and destination routes. */
  control<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<T>;
  advanceClock(seconds: number): Promise<void>;
  /** The emulator's (virtual) now: what the product's injectable clock must read in the same test. */
  now(): Promise<Date>;
  fault(spec: FaultSpec): Promise<void>;
  clearFaults(): Promise<void>;
  close(): Promise<void>;
};

let sellerCounter = 0;

export async function startEmulator(options: CreateEmulatorOptions = {}): Promise<EmulatorHarness> {
  const emulator = createEmulator({ includeDemoSellers: false, ...options });
  const { origin } = await emulator.listen(0);
  // The product's client reads these on every call; the emulator seeds the same demo app literals.
  delete process.env.EBAY_CLIENT_ID;
  process.env.EBAY_EMULATOR_URL = origin;
  process.env.EBAY_TIMEOUT_MS = String(TEST_TIMEOUT_MS);
  const config = getEbayConfig();

  async function control<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${origin}/__emulator/${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`emulator ${method} /__emulator/${path} -> ${response.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  return {
    origin,
    config,
    reset: () => control("POST", "reset"),
    async createSeller(prefix = "seller") {
      sellerCounter += 1;
      const { user } = await control<{ user: EmulatedSeller }>("POST", "users", {
        username: `${prefix}_${process.pid}_${sellerCounter}`,
      });
      return { username: user.username, userId: user.userId, eiasToken: user.eiasToken };
    },
    async consent(username, options = {}) {
      const { location } = await control<{ location: string }>("POST", "consent", {
        username,
        ...(options.scopes ? { scopes: options.scopes } : {}),
        ...(options.state ? { state: options.state } : {}),
      });
      const code = new URL(location).searchParams.get("code");
      const rawCode = /[?&]code=([^&]*)/.exec(location)?.[1];
      if (!code || !rawCode) throw new Error("the emulator's consent redirect carries no code");
      return { location, code, rawCode };
    },
    async revoke(username, reason) {
      await control("POST", `users/${encodeURIComponent(username)}/revoke`, { reason });
    },
    async authNAuthSignIn(signInUrl, username, options = {}) {
      const page = await (await fetch(signInUrl)).text();
      const requestId = /name="request" value="([^"]+)"/.exec(page)?.[1];
      if (!requestId) throw new Error("the Auth'n'Auth sign-in URL did not open eBay's sign-in form");
      const form = (fields: Record<string, string>, cookie?: string) =>
        fetch(`${origin}/ws/eBayISAPI.dll`, {
          method: "POST",
          redirect: "manual",
          headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
          body: new URLSearchParams({ request: requestId, ...fields }).toString(),
        });
      const signIn = await form({ step: "signin", username, password: "password" });
      const cookie = signIn.headers.get("set-cookie")?.split(";")[0];
      if (!cookie) throw new Error(`eBay sign-in failed with ${signIn.status}`);
      const answer = await form({ step: options.decline ? "decline" : "agree" }, cookie);
      const location = answer.headers.get("location");
      if (answer.status !== 302 || !location) throw new Error(`eBay did not redirect after ${options.decline ? "Not now" : "Agree"} (${answer.status})`);
      return location;
    },
    control,
    async advanceClock(seconds) {
      await control("POST", "clock", { advanceSeconds: seconds });
    },
    async now() {
      const { now } = await control<{ now: string }>("GET", "clock");
      return new Date(now);
    },
    async fault(spec) {
      await control("POST", "faults", spec);
    },
    async clearFaults() {
      await control("DELETE", "faults");
    },
    close: () => emulator.close(),
  };
}
