import { expect, test, type Page } from "@playwright/test";
import { connectAccount, signUp, uniqueEmail } from "./support/app";
import { resetEmulator } from "./support/emulator";
import { createApiKey, createSeller } from "./support/integrations";

// This spec opens its own browser contexts (two tenants side by side); Playwright's trace
// recording of hand-made contexts is not needed to debug it and has failed on context close.
test.use({ trace: "off" });

const NOT_FOUND = "That eBay account was not found in this workspace.";

/** Rewrites every server action call of this page so it carries `foreignId` instead of `ownId`. */
async function swapActionIds(page: Page, ownId: string, foreignId: string) {
  await page.route("**/*", async (route) => {
    const request = route.request();
    if (request.method() === "POST" && request.headers()["next-action"]) {
      const body = request.postData() ?? "";
      expect(body).toContain(ownId);
      return route.continue({ postData: body.replaceAll(ownId, foreignId) });
    }
    return route.continue();
  });
}

test("a second workspace gets 404s and refusals for every page, route and action of the first, with real ids", async ({
  browser,
  request,
}) => {
  await resetEmulator(request);
  const ownerContext = await browser.newContext();
  const owner = await ownerContext.newPage();
  await signUp(owner, "Olive Owner", uniqueEmail("olive"));
  const victimId = await connectAccount(owner, "demo_fr_boutique");

  const intruderContext = await browser.newContext();
  const intruder = await intruderContext.newPage();
  await signUp(intruder, "Ivan Intruder", uniqueEmail("ivan"));
  const ownId = await connectAccount(intruder, "demo_au_mick");

  // Pages and JSON routes answer 404 for the owner's account id.
  const page404 = await intruder.goto(`/accounts/${victimId}`);
  expect(page404?.status()).toBe(404);
  await expect(intruder.getByText("demo_fr_boutique")).toHaveCount(0);
  expect((await intruder.request.get(`/api/accounts/${victimId}`)).status()).toBe(404);
  const list = await (await intruder.request.get("/api/accounts")).json();
  expect(list.accounts.map((account: { id: string }) => account.id)).toEqual([ownId]);

  // The audit history and its export never show the owner's events, even when asked by id.
  await intruder.goto(`/audit?account=${victimId}`);
  await expect(intruder.locator("main")).not.toContainText("demo_fr_boutique");
  const csv = await intruder.request.post("/audit/export", { form: { account: victimId } });
  expect(await csv.text()).not.toContain("demo_fr_boutique");

  // Server actions called with the owner's id (the intruder's own calls, rewritten) are refused.
  await intruder.goto(`/accounts/${ownId}`);
  await swapActionIds(intruder, ownId, victimId);
  await intruder.getByRole("button", { name: "Test", exact: true }).click();
  await expect(intruder.getByRole("alert").filter({ hasText: NOT_FOUND })).toBeVisible();
  await intruder.getByLabel("Nickname").fill("Hijacked");
  await intruder.getByRole("button", { name: "Save" }).click();
  await expect(intruder.getByRole("alert").filter({ hasText: NOT_FOUND }).nth(1)).toBeVisible();
  await intruder.getByRole("button", { name: "Re-create token" }).click();
  await expect(intruder.getByRole("alert").filter({ hasText: NOT_FOUND }).nth(2)).toBeVisible();
  expect(intruder.url()).toContain(`/accounts/${ownId}`);
  await intruder.getByRole("button", { name: "Disconnect" }).click();
  await intruder.getByRole("dialog").getByRole("button", { name: "Disconnect" }).click();
  await expect(intruder.getByRole("dialog").getByText(NOT_FOUND)).toBeVisible();

  // Alert recipients: the owner's address is confirmed only by its own mailed token; the intruder, knowing the
  // owner's workspace and a recipient's address, can neither unsubscribe nor confirm it, and sees nothing of it.
  await owner.goto("/settings");
  await owner.getByLabel("Email recipients").fill("ops-olive@example.test");
  await owner.getByRole("button", { name: "Save alert settings" }).click();
  await expect(owner.getByText("Alert settings saved.")).toBeVisible();
  const forgedUnsubscribe = await intruder.request.post("/api/alerts/unsubscribe?token=ckforgedrecipient.AAAA", { form: { "List-Unsubscribe": "One-Click" } });
  expect(forgedUnsubscribe.status()).toBe(404);
  expect((await intruder.goto("/settings"))?.status()).toBe(200);
  await expect(intruder.locator("main")).not.toContainText("ops-olive");
  // Your account is the signed-in person's own page: the intruder sees only their own address.
  await intruder.goto("/account");
  await expect(intruder.locator("main")).not.toContainText("olive");
  await owner.reload();
  await expect(owner.getByRole("list", { name: "Confirmation state of each address" })).toContainText("waiting for confirmation");

  // The owner's account is untouched.
  await owner.goto(`/accounts/${victimId}`);
  await expect(owner.getByRole("heading", { name: "demo_fr_boutique" })).toBeVisible();
  await expect(owner.getByText("Healthy").first()).toBeVisible();
  await expect(owner.getByRole("button", { name: "Disconnect" })).toBeVisible();
  await owner.goto("/audit");
  await expect(owner.locator("main")).not.toContainText("Hijacked");
  await expect(owner.locator("main")).not.toContainText("Ivan");

  await ownerContext.close();
  await intruderContext.close();
});

/** Sets up what the teams-and-integrations pages hold: an API key, a webhook endpoint with a delivery, an invitation. */
async function integrations(page: Page, accountId: string, invitee: string) {
  const key = await createApiKey(page, "Isolation", ["accounts:read", "accounts:write", "tokens:read"]);
  await page.goto("/settings/webhooks");
  // Nothing listens on port 9: the delivery stays pending, which is all this spec needs.
  await page.getByLabel("Endpoint URL").fill("http://127.0.0.1:9/hook");
  await page.getByRole("button", { name: "Add endpoint" }).click();
  await expect(page.getByLabel("Signing secret", { exact: true })).toBeVisible();
  await page.goto("/settings/members");
  await page.getByLabel("Email address").fill(invitee);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByLabel("Invitation link", { exact: true })).toBeVisible();
  await page.goto(`/accounts/${accountId}`);
  await page.getByRole("button", { name: "Disconnect" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Disconnect" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await page.goto("/settings/webhooks");
  await expect(page.locator("tr[data-delivery-id]").first()).toBeVisible({ timeout: 15_000 });
  return {
    key,
    apiKeyId: "",
    deliveryId: (await page.locator("tr[data-delivery-id]").first().getAttribute("data-delivery-id"))!,
    endpointId: (await page.locator("[data-endpoint-id]").first().getAttribute("data-endpoint-id"))!,
  };
}

test("the teams-and-integrations pages, API ids and actions of one workspace are closed to another", async ({ browser, request }) => {
  test.setTimeout(150_000);
  await resetEmulator(request);
  const victimSeller = await createSeller(request, "iso_victim");
  const intruderSeller = await createSeller(request, "iso_intruder");
  const victimSecond = await createSeller(request, "iso_victim_b");
  const ownerContext = await browser.newContext();
  const owner = await ownerContext.newPage();
  await signUp(owner, "Olive Owner", uniqueEmail("olive"));
  const disconnectedVictimId = await connectAccount(owner, victimSeller.username);
  const victimId = await connectAccount(owner, victimSecond.username);
  const victim = await integrations(owner, disconnectedVictimId, uniqueEmail("victim-invitee"));
  await owner.goto("/settings/api-keys");
  victim.apiKeyId = (await owner.locator("tr[data-api-key-id]").first().getAttribute("data-api-key-id"))!;
  await owner.goto("/settings/members");
  const victimInvitationId = (await owner.locator("tr[data-invitation-id]").first().getAttribute("data-invitation-id"))!;
  const runStart = await request.post("/api/v1/check-runs", { headers: { authorization: `Bearer ${victim.key}` }, data: { accountIds: [victimId] } });
  expect(runStart.status()).toBe(202);
  const victimRunId = (await runStart.json()).id as string;
  await owner.goto(`/accounts/${victimId}`);
  await owner.getByRole("button", { name: "Create re-authorization link" }).click();
  await expect(owner.getByLabel("Re-authorization link", { exact: true })).toBeVisible();

  const intruderContext = await browser.newContext();
  const intruder = await intruderContext.newPage();
  await signUp(intruder, "Ivan Intruder", uniqueEmail("ivan"));
  const ownDisconnectedId = await connectAccount(intruder, intruderSeller.username);
  const own = await integrations(intruder, ownDisconnectedId, uniqueEmail("own-invitee"));
  await intruder.goto("/settings/api-keys");
  own.apiKeyId = (await intruder.locator("tr[data-api-key-id]").first().getAttribute("data-api-key-id"))!;

  // The API with the intruder's key: the victim's ids answer 404, lists hold only the intruder's rows.
  const api = (method: string, path: string, data?: unknown) =>
    request.fetch(`/api/v1${path}`, { method, headers: { authorization: `Bearer ${own.key}` }, ...(data ? { data } : {}) });
  for (const [method, path] of [
    ["GET", `/accounts/${victimId}`],
    ["POST", `/accounts/${victimId}/test`],
    ["POST", `/accounts/${victimId}/access-token`],
    ["GET", `/check-runs/${victimRunId}`],
  ] as const) {
    const response = await api(method, path);
    expect(response.status(), `${method} ${path}`).toBe(404);
    expect(await response.text()).not.toContain(victimSecond.username);
  }
  const listed = await (await api("GET", "/accounts")).json();
  expect(listed.data.map((account: { id: string }) => account.id)).toEqual([ownDisconnectedId]);
  const foreignRun = await api("POST", "/check-runs", { accountIds: [victimId] });
  expect(foreignRun.status()).toBe(404);

  // The settings pages show only the intruder's own workspace.
  for (const path of ["/settings/members", "/settings/api-keys", "/settings/webhooks", "/settings/api", "/accounts/import"]) {
    const response = await intruder.goto(path);
    expect(response?.status(), path).toBe(200);
    await expect(intruder.locator("main"), path).not.toContainText("Olive");
    await expect(intruder.locator("main"), path).not.toContainText(victimSeller.username);
    await expect(intruder.locator("main"), path).not.toContainText("victim-invitee");
  }

  // Actions called with the victim's ids (the intruder's own calls, rewritten) are refused.
  const swapped = async (ownId: string, foreignId: string, act: () => Promise<void>, refusal: string) => {
    await swapActionIds(intruder, ownId, foreignId);
    await act();
    await expect(intruder.getByText(refusal).first()).toBeVisible();
    await intruder.unroute("**/*");
  };
  await intruder.goto("/settings/api-keys");
  await swapped(own.apiKeyId, victim.apiKeyId, () => intruder.getByRole("button", { name: "Revoke Isolation" }).click(), "That API key was not found in this workspace.");
  await intruder.goto("/settings/webhooks");
  await swapped(own.deliveryId, victim.deliveryId, () => intruder.getByRole("button", { name: /^Redeliver / }).first().click(), "That delivery was not found in this workspace.");
  await swapped(own.endpointId, victim.endpointId, () => intruder.getByRole("button", { name: /^Delete / }).click(), "That webhook endpoint was not found in this workspace.");
  await intruder.goto("/settings/members");
  const ownInvitationId = (await intruder.locator("tr[data-invitation-id]").first().getAttribute("data-invitation-id"))!;
  await swapped(ownInvitationId, victimInvitationId, () => intruder.getByRole("button", { name: /^Revoke invitation for / }).click(), "That invitation was not found in this workspace.");
  const ownLiveId = await connectAccount(intruder, (await createSeller(request, "iso_own_b")).username);
  await intruder.goto(`/accounts/${ownLiveId}`);
  await swapped(ownLiveId, victimId, () => intruder.getByRole("button", { name: "Update tags" }).click(), "Some of those accounts are not in this workspace.");
  await swapped(ownLiveId, victimId, () => intruder.getByRole("button", { name: "Create re-authorization link" }).click(), NOT_FOUND);

  // The victim's key, endpoint, delivery, invitation and account are untouched.
  expect((await request.get("/api/v1/accounts", { headers: { authorization: `Bearer ${victim.key}` } })).status()).toBe(200);
  await owner.goto("/settings/webhooks");
  await expect(owner.locator(`[data-endpoint-id="${victim.endpointId}"]`)).toBeVisible();
  await owner.goto("/settings/members");
  await expect(owner.locator(`tr[data-invitation-id="${victimInvitationId}"]`)).toBeVisible();
  await owner.goto("/audit");
  await expect(owner.locator("main")).not.toContainText("Ivan");

  await ownerContext.close();
  await intruderContext.close();
});

test("signed-out visitors are sent to sign in and get no data from routes", async ({ page, request }) => {
  await page.goto("/accounts");
  await expect(page).toHaveURL(/\/sign-in/);
  for (const path of ["/api/accounts", "/audit/export", "/accounts/anything", "/account", "/settings", "/settings/members", "/settings/api-keys", "/settings/webhooks", "/accounts/import"]) {
    const response = await request.get(path, { maxRedirects: 0 });
    expect(response.status(), path).toBe(307);
    expect(response.headers().location, path).toContain("/sign-in");
  }
  // The REST API answers for itself: a problem, never a redirect or data.
  const api = await request.get("/api/v1/accounts", { maxRedirects: 0 });
  expect(api.status()).toBe(401);
  expect(api.headers()["content-type"]).toContain("application/problem+json");
  const exported = await request.post("/audit/export", { form: {}, maxRedirects: 0 });
  expect(exported.status()).toBe(307);
  expect(await exported.text()).not.toContain("time");
});
