import { expect, test, type APIRequestContext } from "@playwright/test";
import { accountRow, connectAccount, signUp, testAccountRow, uniqueEmail } from "./support/app";
import { resetEmulator, revokeSeller, signInToEbayAndAgree } from "./support/emulator";

// The mail catcher playwright.config.ts starts (test/support/smtp-capture-server.ts): SMTP on E2E_SMTP_PORT,
// its HTTP API on the next port. Same default as the config.
const appPort = Number(process.env.E2E_APP_PORT ?? 3100);
// Same rule as playwright.config.ts: two ports (SMTP, capture API) per app port.
const smtpPort = Number(process.env.E2E_SMTP_PORT ?? 2525 + 2 * (appPort - 3100));
const MAIL_API = `http://127.0.0.1:${smtpPort + 1}/messages`;

type CapturedMail = { from: string; to: string[]; subject: string; text: string; headers: Record<string, string> };

async function mailTo(request: APIRequestContext, address: string): Promise<CapturedMail[]> {
  const response = await request.get(MAIL_API);
  expect(response.ok()).toBeTruthy();
  return ((await response.json()) as CapturedMail[]).filter((mail) => mail.to.includes(address));
}

test.beforeEach(async ({ request }) => {
  await resetEmulator(request);
});

test("a revoked token that stays revoked is emailed, bannered and listed; re-creating it sends a recovered note", async ({ page, request, baseURL }) => {
  test.setTimeout(90_000);
  const seller = "demo_uk_traders";
  const recipient = uniqueEmail("alerts");
  await signUp(page, "Wendy Warnings", uniqueEmail("wendy"));
  const accountId = await connectAccount(page, seller);
  await expect(page.getByTestId("warning-banner")).toHaveCount(0);

  // The owner sends warnings to an ops address.
  await page.getByRole("link", { name: "Notifications" }).click();
  await expect(page.getByRole("heading", { name: "Notifications", level: 1 })).toBeVisible();
  await expect(page.getByText("No notifications yet")).toBeVisible();
  await page.getByRole("link", { name: "Alert settings" }).click();
  await page.getByLabel("Email recipients").fill(recipient);
  await page.getByLabel("Warn before a token expires (days)").fill("30");
  await page.getByRole("button", { name: "Save alert settings" }).click();
  await expect(page.getByText("Alert settings saved.")).toBeVisible();

  // The address is asked to confirm first (nothing else reaches it until then); its owner follows the link.
  await expect.poll(async () => (await mailTo(request, recipient)).length, { timeout: 30_000 }).toBe(1);
  const [confirmation] = await mailTo(request, recipient);
  expect(confirmation!.subject).toContain("Confirm alerts");
  expect(confirmation!.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
  const confirmLink = /(http\S+\/alerts\/confirm\?token=\S+)/.exec(confirmation!.text)![1]!;
  const inbox = await page.context().browser()!.newContext();
  const mailReader = await inbox.newPage();
  await mailReader.goto(confirmLink);
  await mailReader.getByRole("button", { name: "Confirm: send me these alerts" }).click();
  await expect(mailReader.getByText(`${recipient} now receives the alerts`)).toBeVisible();
  await inbox.close();
  await page.reload();
  await expect(page.getByRole("list", { name: "Confirmation state of each address" })).toContainText("confirmed");

  // The seller revokes ChannelKeys at eBay. One failed Test is not yet a warning (it must hold)…
  await revokeSeller(request, seller, "REVOKED_BY_USER");
  await page.goto("/accounts");
  await testAccountRow(page, seller);
  await expect(accountRow(page, seller)).toHaveAttribute("data-status", "needs_reauth");
  // …the second consecutive one is: the scheduler's warnings sweep raises it and emails it.
  await testAccountRow(page, seller);

  await expect.poll(async () => (await mailTo(request, recipient)).length, { timeout: 30_000 }).toBe(2);
  const mail = (await mailTo(request, recipient)).find((each) => !each.subject.includes("Confirm alerts"));
  expect(mail!.from).toBe("alerts@channelkeys.test");
  expect(mail!.headers["list-unsubscribe"]).toMatch(/^<http.*\/api\/alerts\/unsubscribe\?token=.+>$/);
  expect(mail!.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
  expect(mail!.text).toMatch(/Stop these emails: http\S+\/alerts\/unsubscribe\?token=/);
  expect(mail!.subject).toBe(`[ChannelKeys] ${seller}: needs re-authorization`);
  expect(mail!.text).toContain(`eBay account: ${seller}`);
  expect(mail!.text).toContain("revoked ChannelKeys' access");
  expect(mail!.text).toContain(`Fix it (Re-create token): ${baseURL}/accounts/${accountId}`);

  // The banner on every page names the account and links to its fix.
  await page.goto("/audit");
  const banner = page.getByTestId("warning-banner");
  await expect(banner).toContainText("1 account needs attention");
  await expect(page.getByTestId("notifications-link")).toHaveAccessibleName("Notifications, 1 unread");
  await banner.getByRole("link", { name: `${seller}: needs re-authorization` }).click();
  await expect(page).toHaveURL(new RegExp(`/accounts/${accountId}$`));
  await expect(page.getByRole("button", { name: "Re-create token" })).toBeVisible();

  // The notifications list: the warning, delivered by email; mark it read.
  await page.goto("/notifications");
  const warning = page.getByTestId("notification").filter({ hasText: `${seller}: needs re-authorization` });
  await expect(warning).toHaveAttribute("data-resolved", "false");
  await expect(warning).toContainText("Emailed");
  await warning.getByRole("button", { name: `Mark as read: ${seller}: needs re-authorization` }).click();
  await expect(warning).toHaveAttribute("data-read", "true");
  await expect(page.getByTestId("notifications-link")).toHaveAccessibleName("Notifications");

  // The one click that fixes it: re-create the token as the right seller.
  await warning.getByRole("link", { name: "Fix: re-create token" }).click();
  await page.getByRole("button", { name: "Re-create token" }).click();
  await signInToEbayAndAgree(page, seller);
  await expect(page.getByText("Token has been re-created successfully", { exact: true })).toBeVisible();

  // Healed: a recovered note by email, the warning resolved (greyed), the banner gone.
  await expect.poll(async () => (await mailTo(request, recipient)).map((each) => each.subject), { timeout: 30_000 }).toContain(
    `[ChannelKeys] ${seller}: working again`,
  );
  await page.goto("/notifications");
  await expect(page.getByTestId("warning-banner")).toHaveCount(0);
  await expect(warning).toHaveAttribute("data-resolved", "true");
  await expect(page.getByTestId("notification").filter({ hasText: `${seller}: working again` })).toHaveAttribute("data-kind", "recovered");
});
