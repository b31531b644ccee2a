import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { EMULATOR_URL } from "./emulator";

// Helpers for the teams-and-integrations specs: API keys made through the dashboard, sellers of their own at the
// emulator, and a refresh token obtained the way another tool would (consent, then the code exchanged at eBay).

const EMULATED_APP = {
  clientId: "ChannelK-ChannelK-EMU-5e0f1a2b3-4c5d6e7f",
  clientSecret: "EMU-5e0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
  ruName: "ChannelKeys-ChannelK-EMU-abcdefgh",
};

export type ApiScope = "accounts:read" | "accounts:write" | "tokens:read";

/** Creates a key on /settings/api-keys and reads it from the one place it is ever shown. */
export async function createApiKey(page: Page, name: string, scopes: ApiScope[]): Promise<string> {
  await page.goto("/settings/api-keys");
  await page.getByLabel("Key name").fill(name);
  for (const scope of ["accounts:read", "accounts:write", "tokens:read"] as const) {
    await page.getByRole("checkbox", { name: new RegExp(`^${scope}`) }).setChecked(scopes.includes(scope));
  }
  await page.getByRole("button", { name: "Create API key" }).click();
  const field = page.getByLabel("API key", { exact: true });
  await expect(field).toHaveValue(/^ck_[0-9a-f]{12}_/);
  return field.inputValue();
}

export async function createSeller(request: APIRequestContext, prefix: string): Promise<{ username: string; userId: string }> {
  const username = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const response = await request.post(`${EMULATOR_URL}/__emulator/users`, { data: { username, password: "password" } });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()).user;
}

/** A refresh token as another tool holding the same eBay keyset would have it. */
export async function refreshTokenFromAnotherTool(request: APIRequestContext, username: string): Promise<string> {
  const consent = await request.post(`${EMULATOR_URL}/__emulator/consent`, { data: { username } });
  expect(consent.ok()).toBeTruthy();
  const code = new URL((await consent.json()).location).searchParams.get("code")!;
  const exchanged = await request.post(`${EMULATOR_URL}/identity/v1/oauth2/token`, {
    headers: { authorization: `Basic ${Buffer.from(`${EMULATED_APP.clientId}:${EMULATED_APP.clientSecret}`).toString("base64")}` },
    form: { grant_type: "authorization_code", code, redirect_uri: EMULATED_APP.ruName },
  });
  expect(exchanged.ok(), await exchanged.text()).toBeTruthy();
  return (await exchanged.json()).refresh_token;
}

export async function advanceClock(request: APIRequestContext, seconds: number): Promise<void> {
  const response = await request.post(`${EMULATOR_URL}/__emulator/clock`, { data: { advanceSeconds: seconds } });
  expect(response.ok()).toBeTruthy();
}

export async function refreshesOf(request: APIRequestContext, userId: string): Promise<number> {
  const calls = await (await request.get(`${EMULATOR_URL}/__emulator/calls`)).json();
  return Number(calls.refreshesByUserId?.[userId] ?? 0);
}
