import { expect, test } from "@playwright/test";
import { accountRow, connectAccount, signUp, testAccountRow, uniqueEmail } from "./support/app";
import { resetEmulator, revokeSeller, signInToEbayAndAgree } from "./support/emulator";

test.beforeEach(async ({ request }) => {
  await resetEmulator(request);
});

test("a seller connects three eBay accounts, tests them, repairs a revoked token and disconnects one", async ({ page, request }) => {
  await signUp(page, "Sam Seller", uniqueEmail("sam"));
  await expect(page.getByText("No eBay accounts connected yet")).toBeVisible();
  await expect(page.getByText("Emulated eBay").first()).toBeVisible();

  const sellers = ["demo_us_store", "demo_uk_traders", "demo_de_haendler"];
  for (const seller of sellers) await connectAccount(page, seller);
  await expect(page.locator("tr[data-account-id]")).toHaveCount(3);
  await expect(accountRow(page, "demo_uk_traders")).toContainText("EBAY_GB");
  await expect(accountRow(page, "demo_uk_traders")).toContainText(/expires in 54[67] days/);

  for (const seller of sellers) {
    await testAccountRow(page, seller);
    await expect(accountRow(page, seller)).toHaveAttribute("data-status", "healthy");
    await expect(accountRow(page, seller)).toContainText("Healthy");
  }

  // The seller revokes ChannelKeys on eBay: the next Test says the token must be re-created.
  await revokeSeller(request, "demo_uk_traders", "REVOKED_BY_USER");
  await testAccountRow(page, "demo_uk_traders");
  const revokedRow = accountRow(page, "demo_uk_traders");
  await expect(revokedRow).toHaveAttribute("data-status", "needs_reauth");
  await expect(revokedRow).toContainText("Needs re-authorization");
  await expect(revokedRow.getByTestId("status-message")).toContainText("Re-create the token");
  await expect(accountRow(page, "demo_us_store")).toHaveAttribute("data-status", "healthy");

  // Re-create while signed in to eBay as another seller: refused, nothing overwritten.
  await revokedRow.getByRole("button", { name: "Re-create token" }).click();
  await signInToEbayAndAgree(page, "demo_us_store");
  await expect(page.getByText("You signed in to eBay as demo_us_store, not demo_uk_traders")).toBeVisible();
  await expect(page.getByText("Nothing was overwritten.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "demo_uk_traders" })).toBeVisible();
  await expect(page.getByText("Needs re-authorization").first()).toBeVisible();

  // Re-create as the right seller.
  await page.getByRole("button", { name: "Re-create token" }).click();
  await signInToEbayAndAgree(page, "demo_uk_traders");
  await expect(page.getByRole("status").filter({ hasText: "Token has been re-created successfully" })).toBeVisible();
  await expect(page.getByText("Healthy").first()).toBeVisible();
  await page.getByRole("button", { name: "Test", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "eBay accepted the token" })).toBeVisible();

  // Disconnect the German account.
  await page.goto("/accounts");
  await accountRow(page, "demo_de_haendler").getByRole("link", { name: "demo_de_haendler" }).click();
  await page.getByRole("button", { name: "Disconnect" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Disconnect" }).click();
  await expect(page.getByText("Disconnected demo_de_haendler.")).toBeVisible();
  await expect(page.getByText("Third-party authorizations").first()).toBeVisible();
  await expect(page.locator("tr[data-account-id]")).toHaveCount(2);
  await page.getByRole("link", { name: "Disconnected", exact: true }).click();
  await expect(page.locator("tr[data-account-id]")).toHaveCount(1);

  // The audit history tells the whole story.
  await page.goto("/audit");
  const history = page.locator("main");
  await expect(history).toContainText("demo_de_haendler");
  for (const text of ["Connected eBay user demo_us_store", "Consent came from eBay user demo_us_store", "Token has been re-created successfully", "Tokens"]) {
    await expect(history.getByText(text).first()).toBeVisible();
  }
});

test("declining consent on eBay changes nothing and says so", async ({ page }) => {
  await signUp(page, "Dee Cline", uniqueEmail("dee"));
  await page.getByRole("button", { name: "Connect your first eBay account" }).click();
  await page.getByLabel("Email or username").fill("demo_au_mick");
  await page.getByLabel("Password").fill("password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Not now" }).click();
  await expect(page.getByText("eBay consent was declined")).toBeVisible();
  await expect(page.getByText("No eBay accounts connected yet")).toBeVisible();
});

test("connecting an eBay user that is already connected updates it instead of duplicating it", async ({ page }) => {
  await signUp(page, "Rita Repeat", uniqueEmail("rita"));
  await connectAccount(page, "demo_us_jane");
  await page.getByRole("button", { name: "Connect eBay account" }).click();
  await signInToEbayAndAgree(page, "demo_us_jane");
  await expect(page.getByText("demo_us_jane was already connected")).toBeVisible();
  await expect(page.locator("tr[data-account-id]")).toHaveCount(1);
});
