// The emulator's browser consent flow in Chromium, without the app: the redirect to the app's callback
// (http://localhost:3100/api/ebay/callback) is intercepted and its URL asserted on.
import { expect, test, type Page, type APIRequestContext } from "@playwright/test";

const EMULATOR = `http://localhost:${process.env.E2E_EMULATOR_PORT ?? 4011}`;
const CLIENT_ID = process.env.EBAY_CLIENT_ID || "ChannelK-ChannelK-EMU-5e0f1a2b3-4c5d6e7f";
const CLIENT_SECRET = process.env.EBAY_CLIENT_SECRET || "EMU-5e0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
const RU_NAME = process.env.EBAY_RU_NAME || "ChannelKeys-ChannelK-EMU-abcdefgh";
const APP = `http://localhost:${process.env.E2E_APP_PORT ?? 3100}`;
const CALLBACK = `${APP}/api/ebay/callback`;
const SCOPES = [
  "https://api.ebay.com/oauth/api_scope",
  "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly",
  "https://api.ebay.com/oauth/api_scope/sell.account.readonly",
  "https://api.ebay.com/oauth/api_scope/sell.fulfillment.readonly",
  "https://api.ebay.com/oauth/api_scope/sell.inventory.readonly",
];

function authorizeUrl(state: string, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: RU_NAME, response_type: "code", scope: SCOPES.join(" "), state, ...extra });
  return `${EMULATOR}/oauth2/authorize?${params.toString()}`;
}

/**
 * Captures every navigation to the app's callback. The redirect from eBay's form POST is part of
 * that request's redirect chain, which page.route does not always see, so requests are watched too;
 * whatever the app (running or not) answers is irrelevant here.
 */
async function interceptCallback(page: Page): Promise<{ (): URL; reached(): Promise<void> }> {
  let last: URL | undefined;
  let count = 0;
  let seen = 0;
  page.on("request", (request) => {
    if (request.url().startsWith(CALLBACK)) {
      last = new URL(request.url());
      count += 1;
    }
  });
  await page.route(`${APP}/**`, (route) =>
    route.fulfill({ status: 200, contentType: "text/html", body: "<html><body><h1>callback reached</h1></body></html>" }),
  );
  const callback = () => {
    if (!last) throw new Error("the callback was never reached");
    return last;
  };
  /** Waits for the next navigation to the callback since the previous wait. */
  callback.reached = async () => {
    await expect.poll(() => count, { message: "the browser reached the app's callback" }).toBeGreaterThan(seen);
    seen = count;
  };
  return callback;
}

async function signIn(page: Page, username: string, password = "password"): Promise<void> {
  await page.getByLabel("Email or username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function userIdForCode(request: APIRequestContext, code: string): Promise<string> {
  const token = await request.post(`${EMULATOR}/identity/v1/oauth2/token`, {
    headers: { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}` },
    form: { grant_type: "authorization_code", code, redirect_uri: RU_NAME },
  });
  expect(token.status()).toBe(200);
  const { access_token: accessToken } = (await token.json()) as { access_token: string };
  const user = await request.get(`${EMULATOR}/commerce/identity/v1/user/`, { headers: { authorization: `Bearer ${accessToken}` } });
  return ((await user.json()) as { username: string }).username;
}

test.beforeEach(async ({ request }) => {
  const reset = await request.post(`${EMULATOR}/__emulator/reset`);
  expect(reset.ok()).toBe(true);
});

test("sign-in, then Agree redirects to the accept URL with code, state and expires_in", async ({ page, request }) => {
  const callback = await interceptCallback(page);
  await page.goto(authorizeUrl("state-agree-1"));
  await expect(page.getByRole("heading", { name: "Hello" })).toBeVisible();
  await expect(page.getByTestId("demo-hint")).toContainText("demo_us_jane");

  await signIn(page, "demo_us_jane", "wrong-password");
  await expect(page.getByText("Oops, that's not a match.")).toBeVisible();
  await signIn(page, "demo_us_jane");

  await expect(page.getByRole("heading", { name: /Grant application access/ })).toBeVisible();
  await expect(page.getByTestId("signed-in-as")).toHaveText("Hi demo_us_jane!");
  await expect(page.getByText("View a basic summary of your eBay user account")).toBeVisible();
  await page.getByRole("button", { name: "Agree" }).click();
  await callback.reached();

  const url = callback();
  expect(`${url.origin}${url.pathname}`).toBe(CALLBACK);
  expect([...url.searchParams.keys()]).toEqual(["state", "code", "expires_in"]);
  expect(url.searchParams.get("state")).toBe("state-agree-1");
  expect(url.searchParams.get("expires_in")).toBe("299");
  const code = url.searchParams.get("code")!;
  expect(code).toMatch(/^v\^1\.1#i\^1#/);
  expect(url.search).toContain("code=v%5E1.1%23i%5E1%23");
  expect(await userIdForCode(request, code)).toBe("demo_us_jane");
});

test("Not now redirects to the decline URL with error=access_denied and the state", async ({ page }) => {
  const callback = await interceptCallback(page);
  await page.goto(authorizeUrl("state-decline-1"));
  await signIn(page, "demo_uk_traders");
  await page.getByRole("button", { name: "Not now" }).click();
  await callback.reached();

  const url = callback();
  expect(`${url.origin}${url.pathname}`).toBe(CALLBACK);
  expect(url.searchParams.get("error")).toBe("access_denied");
  expect(url.searchParams.get("error_description")).toBeTruthy();
  expect(url.searchParams.get("state")).toBe("state-decline-1");
  expect(url.searchParams.has("code")).toBe(false);
});

test("the sign-in cookie is reused, so a second consent goes to the same eBay account", async ({ page, request }) => {
  const callback = await interceptCallback(page);
  await page.goto(authorizeUrl("first"));
  await signIn(page, "demo_us_store");
  await page.getByRole("button", { name: "Agree" }).click();
  await callback.reached();

  await page.goto(authorizeUrl("second"));
  await expect(page.getByLabel("Password")).toHaveCount(0);
  await expect(page.getByTestId("signed-in-as")).toHaveText("Hi demo_us_store!");
  await page.getByRole("button", { name: "Agree" }).click();
  await callback.reached();
  const url = callback();
  expect(url.searchParams.get("state")).toBe("second");
  expect(await userIdForCode(request, url.searchParams.get("code")!)).toBe("demo_us_store");
});

test("prompt=login forces a fresh sign-in, which can switch to another eBay account", async ({ page, request }) => {
  const callback = await interceptCallback(page);
  await page.goto(authorizeUrl("first"));
  await signIn(page, "demo_us_store");
  await page.getByRole("button", { name: "Agree" }).click();
  await callback.reached();

  await page.goto(authorizeUrl("forced", { prompt: "login" }));
  await expect(page.getByRole("heading", { name: "Hello" })).toBeVisible();
  await expect(page.getByLabel("Password")).toBeVisible();
  await signIn(page, "demo_de_haendler");
  await expect(page.getByTestId("signed-in-as")).toHaveText("Hi demo_de_haendler!");
  await page.getByRole("button", { name: "Agree" }).click();
  await callback.reached();

  const url = callback();
  expect(url.searchParams.get("state")).toBe("forced");
  expect(await userIdForCode(request, url.searchParams.get("code")!)).toBe("demo_de_haendler");
});

test("a malformed authorize request gets eBay's invalid_request body", async ({ page }) => {
  const response = await page.goto(`${EMULATOR}/oauth2/authorize?client_id=${CLIENT_ID}&redirect_uri=${RU_NAME}&response_type=code&scope=not-a-scope`);
  expect(response?.status()).toBe(400);
  expect(await response?.json()).toEqual({ error_id: "invalid_request", error_description: "Input request parameters are invalid.", http_status_code: 400 });
});
