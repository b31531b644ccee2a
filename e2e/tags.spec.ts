import { expect, test } from "@playwright/test";
import { accountRow, connectAccount, signUp, uniqueEmail } from "./support/app";
import { resetEmulator } from "./support/emulator";
import { createSeller } from "./support/integrations";

test.beforeEach(async ({ request }) => {
  await resetEmulator(request);
});

test("tags are set on an account and in bulk from the table, and the table, timeline and bulk checks filter by them", async ({ page, request }) => {
  test.setTimeout(120_000);
  const [first, second, third] = [await createSeller(request, "tag_a"), await createSeller(request, "tag_b"), await createSeller(request, "tag_c")];
  await signUp(page, "Tia Tags", uniqueEmail("tia"));
  const firstId = await connectAccount(page, first.username);
  await connectAccount(page, second.username);
  await connectAccount(page, third.username);

  // One account, on its page.
  await page.goto(`/accounts/${firstId}`);
  await page.getByLabel("Tags", { exact: true }).fill("EU, vip");
  await page.getByRole("button", { name: "Update tags" }).click();
  await expect(page.getByText("Tags saved.")).toBeVisible();
  await page.getByLabel("Tags", { exact: true }).fill("bad tag!");
  await page.getByRole("button", { name: "Update tags" }).click();
  await expect(page.getByText('"tag!" is not a valid tag.')).toBeVisible();

  // In bulk: the two others get "agency-a".
  await page.goto("/accounts");
  await page.getByRole("checkbox", { name: `Select ${second.username}` }).check();
  await page.getByRole("checkbox", { name: `Select ${third.username}` }).check();
  await page.getByLabel("Tags for selected accounts").fill("agency-a");
  await page.getByRole("button", { name: "Add tags to selected" }).click();
  await expect(page.getByText("Tags added to 2 accounts.")).toBeVisible();
  await expect(page.locator(`[aria-label="Tags of ${second.username}"]`)).toContainText("agency-a");

  // The table by tag.
  await page.getByRole("navigation", { name: "Filter by tag" }).getByRole("link", { name: "agency-a" }).click();
  await expect(page).toHaveURL(/tag=agency-a/);
  await expect(accountRow(page, second.username)).toBeVisible();
  await expect(accountRow(page, third.username)).toBeVisible();
  await expect(accountRow(page, first.username)).toHaveCount(0);

  // A bulk check over the tag covers exactly its accounts.
  await page.getByRole("button", { name: "Check all in this filter (2)" }).click();
  await expect(page).toHaveURL(/\/runs\/[^/]+$/);
  await expect(page.getByText("All connected, tag agency-a").first()).toBeVisible();

  // The timeline by tag.
  await page.goto("/timeline?tag=vip");
  await expect(page.locator("main")).toContainText(first.username);
  await expect(page.locator("main")).not.toContainText(second.username);
});
