import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { accountRow, connectAccount, signUp, uniqueEmail } from "./support/app";
import { EMULATOR_URL, resetEmulator, revokeSeller, signInToEbayAndAgree } from "./support/emulator";

const IDENTITY = "/commerce/identity";

test.beforeEach(async ({ request }) => {
  await resetEmulator(request);
});

async function injectFault(request: APIRequestContext, fault: Record<string, unknown>): Promise<void> {
  const response = await request.post(`${EMULATOR_URL}/__emulator/faults`, { data: fault });
  expect(response.ok()).toBeTruthy();
}

async function runIdFromUrl(page: Page): Promise<string> {
  await expect(page).toHaveURL(/\/runs\/[^/?]+$/);
  return new URL(page.url()).pathname.split("/").pop()!;
}

type RunJson = { run: { status: string; items: { accountName: string; attempts: number; verdict: string | null; status: string }[] } };

test("Check all over mixed states shows progress and the right summary, then the re-create queue repairs the revoked account", async ({ page, request }) => {
  test.setTimeout(120_000);
  await signUp(page, "Bulk Betty", uniqueEmail("bulk"));
  const sellers = ["demo_us_store", "demo_us_jane", "demo_uk_traders", "demo_de_haendler"];
  for (const seller of sellers) await connectAccount(page, seller);

  // One seller revokes ChannelKeys; eBay's Identity API answers two 500s and a 429 (Retry-After: 1) first.
  await revokeSeller(request, "demo_uk_traders", "REVOKED_BY_USER");
  await injectFault(request, { pathPrefix: IDENTITY, status: 500, count: 2 });
  await injectFault(request, { pathPrefix: IDENTITY, status: 429, retryAfterSeconds: 1, count: 1 });

  await page.goto("/accounts");
  await page.getByRole("button", { name: "Check all (4)" }).click();
  const runId = await runIdFromUrl(page);

  const progress = page.getByRole("progressbar");
  await expect(progress).toHaveAttribute("aria-valuemax", "4");
  await expect(progress).toHaveAttribute("aria-valuenow", "4", { timeout: 45_000 });
  await expect(page.getByTestId("run-status")).toHaveText("Completed");
  await expect(page.getByTestId("summary-healthy")).toHaveText("3");
  await expect(page.getByTestId("summary-needs-reauth")).toHaveText("1");
  await expect(page.getByTestId("summary-unavailable")).toHaveText("0");
  await expect(page.getByTestId("reauth-causes")).toContainText("Revoked by the seller: 1");
  await expect(page.locator('tr[data-item-status="done"]')).toHaveCount(4);

  // The transient failures were retried (three extra attempts) and never marked a token bad.
  const json = (await (await page.request.get(`/api/runs/${runId}`)).json()) as RunJson;
  expect(json.run.items.reduce((sum, item) => sum + item.attempts, 0)).toBe(7);
  for (const item of json.run.items) {
    expect(item.verdict).toBe(item.accountName === "demo_uk_traders" ? "needs_reauth" : "healthy");
  }

  // The runs list has it.
  await page.getByRole("link", { name: "Bulk checks" }).first().click();
  await expect(page.locator(`tr[data-run-id="${runId}"]`)).toContainText("4 of 4");
  await page.locator(`tr[data-run-id="${runId}"]`).getByRole("link").click();

  // The guided re-create queue, across the round trip through eBay.
  await page.getByRole("link", { name: "Start re-create queue" }).click();
  await expect(page).toHaveURL(new RegExp(`/recreate-queue\\?run=${runId}$`));
  await expect(page.getByTestId("queue-progress")).toHaveText("0 of 1 re-created");
  await expect(page.getByTestId("queue-current")).toHaveText("demo_uk_traders");
  await page.getByRole("button", { name: "Re-create token" }).click();
  await signInToEbayAndAgree(page, "demo_uk_traders");
  await expect(page).toHaveURL(/\/accounts\/[^/?]+\?notice=recreated/);
  await expect(page.getByRole("status").filter({ hasText: "Token has been re-created successfully" })).toBeVisible();
  await page.getByRole("link", { name: "Next account in queue" }).click();
  await expect(page.getByTestId("queue-progress")).toHaveText("1 of 1 re-created");
  await expect(page.getByText("Every account in this queue has been dealt with")).toBeVisible();
  await expect(page.locator('[data-queue-state="recreated"]')).toContainText("demo_uk_traders");
});

test("a run still waiting on eBay can be cancelled; selected rows can be checked on their own", async ({ page, request }) => {
  test.setTimeout(120_000);
  await signUp(page, "Cancel Carl", uniqueEmail("cancel"));
  for (const seller of ["demo_us_store", "demo_au_mick", "demo_fr_boutique"]) await connectAccount(page, seller);

  // The first Identity call is rate limited for 10 s (every eBay job pauses: the limit is the application's); the
  // others are slow. The run is still going when we cancel.
  await injectFault(request, { pathPrefix: IDENTITY, status: 429, retryAfterSeconds: 10, latencyMs: 500, count: 1 });
  await injectFault(request, { pathPrefix: IDENTITY, latencyMs: 1_500 });

  await page.goto("/accounts");
  await page.getByRole("button", { name: "Check all (3)" }).click();
  await runIdFromUrl(page);
  await expect(page.getByText("Retrying (eBay call limit reached)")).toBeVisible({ timeout: 20_000 });
  await page.getByRole("button", { name: "Cancel run" }).click();
  await expect(page.getByTestId("run-status")).toHaveText("Cancelled", { timeout: 20_000 });
  await expect(page.getByTestId("summary-cancelled")).toHaveText("1");
  await expect(page.getByTestId("summary-healthy")).toHaveText("2");
  await expect(page.locator('tr[data-item-status="cancelled"]')).toHaveCount(1);

  // Keyboard selection of one row, then "Check selected".
  const clear = await request.delete(`${EMULATOR_URL}/__emulator/faults`);
  expect(clear.ok()).toBeTruthy();
  await page.goto("/accounts");
  const checkbox = accountRow(page, "demo_au_mick").getByRole("checkbox", { name: "Select demo_au_mick" });
  await checkbox.focus();
  await page.keyboard.press("Space");
  await expect(checkbox).toBeChecked();
  await page.getByRole("button", { name: "Check selected (1)" }).click();
  await runIdFromUrl(page);
  await expect(page.getByTestId("run-status")).toHaveText("Completed", { timeout: 30_000 });
  await expect(page.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "1");
  await expect(page.getByTestId("summary-healthy")).toHaveText("1");
  await expect(page.locator("tr[data-item-account-id]")).toHaveCount(1);
});
