import { expect, test } from "@playwright/test";
import { connectAccount, signUp, testAccountRow, uniqueEmail } from "./support/app";
import { resetEmulator, revokeSeller, signInToEbayAndAgree } from "./support/emulator";
import { createSeller } from "./support/integrations";

test.use({ trace: "off" });

test.beforeEach(async ({ request }) => {
  await resetEmulator(request);
});

test("a re-authorization link used in a signed-out browser repairs that one account, once, with the wrong-account guard", async ({ page, browser, request }) => {
  test.setTimeout(120_000);
  const seller = await createSeller(request, "client");
  const stranger = await createSeller(request, "stranger");
  await signUp(page, "Agnes Agency", uniqueEmail("agnes"));
  const accountId = await connectAccount(page, seller.username);
  await revokeSeller(request, seller.username, "REVOKED_BY_USER");
  await testAccountRow(page, seller.username);

  await page.goto(`/accounts/${accountId}`);
  await page.getByLabel("Link valid for").selectOption({ label: "3 days" });
  await page.getByRole("button", { name: "Create re-authorization link" }).click();
  const link = await page.getByLabel("Re-authorization link", { exact: true }).inputValue();
  expect(link).toMatch(/\/reauthorize\/[A-Za-z0-9_-]{43}$/);

  // The account's owner, signed out, in a browser of their own.
  const client = await (await browser.newContext()).newPage();
  await client.goto(link);
  await expect(client.getByTestId("reauth-account")).toHaveText(seller.username);
  // Nothing else about the workspace.
  await expect(client.locator("body")).not.toContainText("Agnes");
  await expect(client.locator("body")).not.toContainText("workspace");

  // Signing in to eBay as someone else changes nothing, and the link still works.
  await client.getByRole("button", { name: "Continue to eBay" }).click();
  await signInToEbayAndAgree(client, stranger.username);
  await expect(client.getByText(`You signed in to eBay as ${stranger.username}, not ${seller.username}.`)).toBeVisible();

  await client.goto(link);
  await client.getByRole("button", { name: "Continue to eBay" }).click();
  await signInToEbayAndAgree(client, seller.username);
  await expect(client.getByText(`${seller.username} is connected again.`)).toBeVisible();

  // Single use.
  await client.goto(link);
  await expect(client.getByText("This link has already been used.")).toBeVisible();
  await expect(client.getByRole("button", { name: "Continue to eBay" })).toHaveCount(0);

  // The admin sees when it was used and the account's new status.
  await page.goto(`/accounts/${accountId}`);
  await expect(page.locator('[data-reauth-link-state="used"]')).toContainText("used");
  await expect(page.getByText("Account status now: Healthy")).toBeVisible();
  await page.goto("/audit");
  await expect(page.locator("main tbody").getByText("Used re-authorization link").first()).toBeVisible();
  await client.context().close();
});

test("a revoked link opens nothing", async ({ page, browser, request }) => {
  const seller = await createSeller(request, "revoked_link");
  await signUp(page, "Rex Revoker", uniqueEmail("rex"));
  const accountId = await connectAccount(page, seller.username);
  await page.goto(`/accounts/${accountId}`);
  await page.getByRole("button", { name: "Create re-authorization link" }).click();
  const link = await page.getByLabel("Re-authorization link", { exact: true }).inputValue();
  await page.getByRole("button", { name: "Revoke link" }).click();
  await expect(page.locator('[data-reauth-link-state="revoked"]')).toBeVisible();
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(link);
  await expect(visitor.getByText("This link was withdrawn.")).toBeVisible();
  await visitor.goto(link.replace(/.{4}$/, "AAAA"));
  await expect(visitor.getByText("This link is not valid.")).toBeVisible();
  await visitor.context().close();
});
