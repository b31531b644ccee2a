import { expect, type APIRequestContext, type Page } from "@playwright/test";

// The emulator the Playwright config starts (see playwright.config.ts).
export const EMULATOR_URL = `http://localhost:${process.env.E2E_EMULATOR_PORT ?? 4011}`;
export const EMULATOR_SELLER_PASSWORD = "password";

export async function resetEmulator(request: APIRequestContext): Promise<void> {
  const response = await request.post(`${EMULATOR_URL}/__emulator/reset`);
  expect(response.ok()).toBeTruthy();
}

export async function revokeSeller(
  request: APIRequestContext,
  username: string,
  reason: "REVOKED_BY_USER" | "REVOKED_BY_EBAY" | "REVOKED_BY_APP" | "PASSWORD_CHANGE",
): Promise<void> {
  const response = await request.post(`${EMULATOR_URL}/__emulator/users/${username}/revoke`, { data: { reason } });
  expect(response.ok()).toBeTruthy();
}

export async function emulatorCalls(request: APIRequestContext): Promise<Record<string, unknown>> {
  const response = await request.get(`${EMULATOR_URL}/__emulator/calls`);
  expect(response.ok()).toBeTruthy();
  return response.json();
}

/** On eBay's (emulated) sign-in page, reached after ChannelKeys sends the browser to eBay with prompt=login. */
export async function signInToEbayAndAgree(page: Page, username: string): Promise<void> {
  await expect(page).toHaveURL(new RegExp(`^${EMULATOR_URL}/`));
  await page.getByLabel("Email or username").fill(username);
  await page.getByLabel("Password").fill(EMULATOR_SELLER_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText(username);
  await page.getByRole("button", { name: "Agree" }).click();
}
