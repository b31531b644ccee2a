import { expect, test, type Page } from "@playwright/test";
import { connectAccount, signUp, uniqueEmail } from "./support/app";
import { resetEmulator } from "./support/emulator";

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

test("signed-out visitors are sent to sign in and get no data from routes", async ({ page, request }) => {
  await page.goto("/accounts");
  await expect(page).toHaveURL(/\/sign-in/);
  for (const path of ["/api/accounts", "/audit/export", "/accounts/anything", "/account", "/settings"]) {
    const response = await request.get(path, { maxRedirects: 0 });
    expect(response.status(), path).toBe(307);
    expect(response.headers().location, path).toContain("/sign-in");
  }
  const exported = await request.post("/audit/export", { form: {}, maxRedirects: 0 });
  expect(exported.status()).toBe(307);
  expect(await exported.text()).not.toContain("time");
});
