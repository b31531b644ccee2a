import { createHash } from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { accountRow, connectAccount, signUp, uniqueEmail } from "./support/app";
import { EMULATOR_URL, revokeSeller, signInToEbayAndAgree } from "./support/emulator";

// Auth'n'Auth tokens and eBay's notifications through the browser, against the running app and the emulator, which
// delivers its notifications to the app's /api/ebay/notifications (playwright.config.ts names it to both sides).

const NOTIFICATION_VERIFICATION_TOKEN = "channelkeys-e2e-notification-verification-token";

/** A seller of this test's own, so no other spec's revocations or deletions touch it. */
async function newSeller(request: APIRequestContext, prefix: string): Promise<string> {
  const username = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const response = await request.post(`${EMULATOR_URL}/__emulator/users`, { data: { username, password: "password" } });
  expect(response.status()).toBe(201);
  return username;
}

async function waitForDeliveries(request: APIRequestContext, username: string): Promise<Array<{ topic: string; state: string }>> {
  const response = await request.get(`${EMULATOR_URL}/__emulator/notifications/deliveries?username=${username}&waitMs=15000`);
  expect(response.ok()).toBeTruthy();
  return ((await response.json()) as { deliveries: Array<{ topic: string; state: string }> }).deliveries;
}

async function openAccount(page: Page, name: string): Promise<void> {
  await page.goto("/accounts");
  await accountRow(page, name).getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
}

test("connect an Auth'n'Auth token, see eBay's revocation arrive without a Test, re-create both tokens in one pass", async ({ page, request }) => {
  await signUp(page, "Ana Owner", uniqueEmail("authnauth"));
  const seller = await newSeller(request, "ana");
  await connectAccount(page, seller);

  // The same seller's Auth'n'Auth token joins the row: eBay's Auth'n'Auth page (still signed in at eBay from the
  // OAuth consent, so only Agree is asked), and back with the token.
  await page.getByRole("button", { name: "Connect Auth'n'Auth token" }).click();
  await expect(page).toHaveURL(new RegExp(`^${EMULATOR_URL}/ws/eBayISAPI\\.dll`));
  await expect(page.getByTestId("signed-in-as")).toContainText(seller);
  await page.getByRole("button", { name: "Agree" }).click();
  await expect(page.getByText(`Added an Auth'n'Auth token to ${seller}.`)).toBeVisible();
  const row = accountRow(page, seller);
  const tokens = row.getByRole("list", { name: `Tokens of ${seller}` });
  await expect(tokens.getByRole("listitem").filter({ hasText: "OAuth token:" })).toContainText("working");
  await expect(tokens.getByRole("listitem").filter({ hasText: "Auth'n'Auth token:" })).toContainText("working");
  await expect(row).toContainText(/Auth'n'Auth expires in 54\d days/);

  // The seller revokes ChannelKeys at eBay: eBay notifies (AUTHORIZATION_REVOCATION and TokenRevocation), and the
  // account turns "needs re-authorization" with eBay's reason, with nobody pressing Test.
  await revokeSeller(request, seller, "REVOKED_BY_USER");
  const delivered = await waitForDeliveries(request, seller);
  expect(delivered.map((delivery) => `${delivery.topic}:${delivery.state}`).sort()).toEqual([
    "AUTHORIZATION_REVOCATION:delivered",
    "TokenRevocation:delivered",
  ]);
  // The two notices are worked as separate jobs, in either order: wait until the page shows both.
  const revokedTokens = accountRow(page, seller).getByRole("list", { name: `Tokens of ${seller}` });
  await expect(async () => {
    await page.reload();
    await expect(accountRow(page, seller).getByText("Needs re-authorization")).toBeVisible({ timeout: 1000 });
    await expect(revokedTokens.getByRole("listitem").filter({ hasText: "OAuth token:" })).toContainText("revoked by the seller", { timeout: 1000 });
    await expect(revokedTokens.getByRole("listitem").filter({ hasText: "Auth'n'Auth token:" })).toContainText("revoked by the seller", { timeout: 1000 });
  }).toPass({ timeout: 15_000 });

  await openAccount(page, seller);
  await expect(page.getByText("This account has not been tested yet.")).toBeVisible();
  await expect(page.getByTestId("account-timeline-events")).toContainText("eBay notified a revocation");

  // One guided pass: eBay's OAuth consent (signing in again), then straight on to the Auth'n'Auth page, Agree, done.
  await page.getByRole("button", { name: "Re-create both tokens" }).click();
  await signInToEbayAndAgree(page, seller);
  await expect(page).toHaveURL(new RegExp(`^${EMULATOR_URL}/ws/eBayISAPI\\.dll`));
  await expect(page.getByTestId("signed-in-as")).toContainText(seller);
  await page.getByRole("button", { name: "Agree" }).click();
  await expect(page.getByText("Both tokens have been re-created successfully")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: seller })).toBeVisible();
  const renewed = page.getByRole("list", { name: `Tokens of ${seller}` }).first();
  await expect(renewed.getByRole("listitem").filter({ hasText: "OAuth token:" })).toContainText("working");
  await expect(renewed.getByRole("listitem").filter({ hasText: "Auth'n'Auth token:" })).toContainText("working");
});

test("a decline that comes back from eBay without error or state says 'declined', not a broken sign-in", async ({ page }) => {
  await signUp(page, "Decline Owner", uniqueEmail("decline"));
  await page.goto("/api/ebay/callback?isAuthSuccessful=false");
  await expect(page).toHaveURL(/\/accounts\?error=declined$/);
  await expect(page.getByText("eBay consent was declined")).toBeVisible();
});

test("account deletion: the challenge, a signed deletion verified with eBay's key, and a forged one refused", async ({ page, request }) => {
  // The challenge, as eBay sends it when the endpoint is registered.
  const challenge = await request.get("/api/ebay/notifications?challenge_code=e2e-challenge-123");
  expect(challenge.status()).toBe(200);
  const endpoint = `${test.info().project.use.baseURL}/api/ebay/notifications`;
  expect(await challenge.json()).toEqual({
    challengeResponse: createHash("sha256").update(`e2e-challenge-123${NOTIFICATION_VERIFICATION_TOKEN}${endpoint}`).digest("hex"),
  });

  await signUp(page, "Deletion Owner", uniqueEmail("deletion"));
  const seller = await newSeller(request, "gone");
  await connectAccount(page, seller);

  const forged = await request.post(`${EMULATOR_URL}/__emulator/notifications/account-deletion`, { data: { username: seller, forgeSignature: true } });
  expect(forged.ok()).toBeTruthy();
  expect(await forged.json()).toMatchObject({ challenge: { verified: true }, delivery: { status: 412, delivered: false } });
  await page.reload();
  await expect(accountRow(page, seller)).toBeVisible();

  const genuine = await request.post(`${EMULATOR_URL}/__emulator/notifications/account-deletion`, { data: { username: seller } });
  expect(await genuine.json()).toMatchObject({ delivery: { status: 204, delivered: true } });
  await expect(async () => {
    await page.reload();
    await expect(page.getByText("No eBay accounts connected yet")).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });

  // The history keeps that it happened, without the seller's name.
  await page.goto("/audit");
  await expect(page.getByRole("cell", { name: "eBay account deleted (eBay's request)" }).first()).toBeVisible();
  await expect(page.locator("main")).not.toContainText(seller);
});
