import { expect, test, type APIRequestContext } from "@playwright/test";
import { accountRow, connectAccount, signUp, testAccountRow, uniqueEmail } from "./support/app";
import { EMULATOR_URL, resetEmulator, revokeSeller } from "./support/emulator";

// eBay refresh tokens live 47,304,000 s (547.5 days). The test moves the SHARED clock (one file read by the app
// and written by the emulator, see playwright.config.ts), never database rows, so both sides agree on the date.
const REFRESH_LIFETIME_SECONDS = 47_304_000;
const DAY_SECONDS = 86_400;
const FIRST_ADVANCE = 30 * DAY_SECONDS;
const SECOND_ADVANCE = 45_576_000 - FIRST_ADVANCE; // 527.5 days after the first connects: "issued 17 months ago"

/** Days left at the end, as the timeline will judge them (a few real minutes pass while the test runs). */
const daysLeft = (issuedBeforeEndSeconds: number) => (REFRESH_LIFETIME_SECONDS - issuedBeforeEndSeconds) / DAY_SECONDS;

async function advanceSharedClock(request: APIRequestContext, seconds: number): Promise<void> {
  const response = await request.post(`${EMULATOR_URL}/__emulator/clock`, { data: { advanceSeconds: seconds } });
  expect(response.ok()).toBeTruthy();
}

test.beforeEach(async ({ request }) => {
  await resetEmulator(request); // also puts the shared clock back to real time
});

test("the fleet timeline files tokens issued 17 months ago by expiry, exports them as a calendar, and Test still works", async ({ page, request }) => {
  test.setTimeout(120_000);
  // The arithmetic the buckets below rest on: 20 days left is "within 30", 50 days "within 90", a new token "later".
  expect(daysLeft(FIRST_ADVANCE + SECOND_ADVANCE)).toBe(20);
  expect(daysLeft(SECOND_ADVANCE)).toBe(50);

  await signUp(page, "Tia Timeline", uniqueEmail("tia"));
  await connectAccount(page, "demo_us_store");
  await connectAccount(page, "demo_au_mick");
  await advanceSharedClock(request, FIRST_ADVANCE);
  await connectAccount(page, "demo_uk_traders");
  await advanceSharedClock(request, SECOND_ADVANCE);
  const clock = await (await request.get(`${EMULATOR_URL}/__emulator/clock`)).json();
  expect(clock.offsetSeconds).toBe(FIRST_ADVANCE + SECOND_ADVANCE);

  // Connected after the jump: a full lifetime ahead, so the buckets differ.
  await connectAccount(page, "demo_de_haendler");

  // Test against the emulator at that clock: the access token is long expired there, the refresh token is not,
  // so the Test refreshes and eBay says healthy. A revoked seller's Test says needs re-authorization.
  await page.goto("/accounts");
  await testAccountRow(page, "demo_us_store");
  await expect(accountRow(page, "demo_us_store")).toHaveAttribute("data-status", "healthy");
  await expect(accountRow(page, "demo_us_store")).toContainText(/expires in (19|20) days/);
  await revokeSeller(request, "demo_au_mick", "REVOKED_BY_USER");
  await testAccountRow(page, "demo_au_mick");
  await expect(accountRow(page, "demo_au_mick")).toHaveAttribute("data-status", "needs_reauth");

  // The fleet timeline.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Timeline" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Expiry timeline" })).toBeVisible();
  const buckets = page.getByRole("navigation", { name: "Expiry buckets" });
  await expect(buckets.getByRole("link", { name: "4 All accounts" })).toBeVisible();
  await expect(buckets.getByRole("link", { name: "1 needs re-authorization" })).toBeVisible();
  await expect(buckets.getByRole("link", { name: "0 expire within 7 days" })).toBeVisible();
  await expect(buckets.getByRole("link", { name: "1 expires within 30 days" })).toBeVisible();
  await expect(buckets.getByRole("link", { name: "1 expires within 90 days" })).toBeVisible();
  await expect(buckets.getByRole("link", { name: "1 expires later" })).toBeVisible();

  const group = (bucket: string) => page.locator(`details[data-bucket-group="${bucket}"]`);
  const bar = (name: string) => page.getByRole("link", { name: new RegExp(`^${name}, `) });
  await expect(group("within_7")).toHaveCount(0);
  await expect(group("needs_reauth").getByRole("link", { name: /^demo_au_mick, Needs re-authorization\./ })).toBeVisible();
  await expect(group("within_30").getByRole("link", { name: /^demo_us_store, Expiring\. Refresh token expires in (19|20) days, on / })).toBeVisible();
  await expect(group("within_90").getByRole("link", { name: /^demo_uk_traders, Healthy\.|^demo_uk_traders, Not checked yet\./ })).toBeVisible();
  await expect(group("within_90")).toContainText(/expires in (49|50) days/);
  await expect(group("later").getByRole("link", { name: /^demo_de_haendler, .*Refresh token expires in 547 days/ })).toBeVisible();
  // Groups come most urgent first.
  await expect(page.locator("details[data-bucket-group]")).toHaveCount(4);
  expect(await page.locator("details[data-bucket-group]").evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-bucket-group")))).toEqual([
    "needs_reauth",
    "within_30",
    "within_90",
    "later",
  ]);

  // A group collapses with the keyboard.
  await group("later").locator("summary").focus();
  await page.keyboard.press("Enter");
  await expect(bar("demo_de_haendler")).toBeHidden();
  await page.keyboard.press("Enter");
  await expect(bar("demo_de_haendler")).toBeVisible();

  // The bucket counts are filters.
  await buckets.getByRole("link", { name: "1 expires within 30 days" }).click();
  await expect(page).toHaveURL(/\/timeline\?bucket=within_30$/);
  await expect(buckets.getByRole("link", { name: "1 expires within 30 days" })).toHaveAttribute("aria-current", "true");
  await expect(page.locator("[data-account-id]")).toHaveCount(1);
  await expect(bar("demo_us_store")).toBeVisible();

  // So is the status.
  await buckets.getByRole("link", { name: "4 All accounts" }).click();
  // Wait for that navigation: clicking the status link of the page still on screen would keep the bucket.
  await expect(page).toHaveURL(/\/timeline$/);
  await page.getByRole("navigation", { name: "Status filter" }).getByRole("link", { name: /^Needs re-authorization/ }).click();
  await expect(page).toHaveURL(/\/timeline\?status=needs_reauth$/);
  await expect(page.locator("[data-account-id]")).toHaveCount(1);
  await expect(bar("demo_au_mick")).toBeVisible();
  await page.getByRole("navigation", { name: "Status filter" }).getByRole("link", { name: /^Any status/ }).click();
  await expect(page).toHaveURL(/\/timeline$/);
  await expect(page.locator("[data-account-id]")).toHaveCount(4);

  // The calendar: one event per upcoming expiry, with reminders, as text/calendar.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download calendar (.ics)" }).click();
  expect((await download).suggestedFilename()).toMatch(/^channelkeys-.*-token-expiries-\d{4}-\d{2}-\d{2}\.ics$/);
  const calendar = await page.request.get("/timeline/calendar.ics");
  expect(calendar.status()).toBe(200);
  expect(calendar.headers()["content-type"]).toContain("text/calendar");
  const ics = await calendar.text();
  expect(ics.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
  const unfolded = ics.replace(/\r\n /g, "");
  expect(unfolded.match(/BEGIN:VEVENT/g)).toHaveLength(3);
  for (const name of ["demo_us_store", "demo_uk_traders", "demo_de_haendler"]) expect(unfolded).toContain(`SUMMARY:eBay token expires: ${name}\r\n`);
  expect(unfolded).not.toContain("demo_au_mick");
  expect(unfolded).toContain("TRIGGER:-P7D");
  // Its events sit where the timeline put them: the first (soonest) about 20 days after the shared clock's now.
  const firstStart = /DTSTART:(\d{8}T\d{6}Z)/.exec(unfolded)![1]!;
  const startMs = Date.parse(firstStart.replace(/(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/, "$1-$2-$3T$4:$5:$6Z"));
  const virtualNow = Date.parse((await (await request.get(`${EMULATOR_URL}/__emulator/clock`)).json()).now);
  expect((startMs - virtualNow) / 86_400_000).toBeGreaterThan(19);
  expect((startMs - virtualNow) / 86_400_000).toBeLessThanOrEqual(20);

  // Each bar is a link to its account, reachable by keyboard; the account page shows its own timeline.
  await bar("demo_us_store").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "demo_us_store" })).toBeVisible();
  const timeline = page.getByRole("heading", { name: "Timeline", exact: true });
  await expect(timeline).toBeVisible();
  const events = page.getByTestId("account-timeline-events");
  await expect(events.locator('[data-event-kind="connected"]')).toHaveCount(1);
  await expect(events.locator('[data-event-kind="check_healthy"]').first()).toBeVisible();
  await expect(events.locator('[data-event-kind="refreshed"]').first()).toBeVisible();
});

test("the calendar export is not there for signed-out visitors", async ({ request }) => {
  const response = await request.get("/timeline/calendar.ics", { maxRedirects: 0 });
  expect(response.headers()["content-type"] ?? "").not.toContain("text/calendar");
  expect(await response.text()).not.toContain("BEGIN:VCALENDAR");
});
