import { expect, test, type Browser, type Page } from "@playwright/test";
import { connectAccount, PASSWORD, signUp, uniqueEmail } from "./support/app";
import { resetEmulator } from "./support/emulator";
import { createSeller } from "./support/integrations";

// The mail catcher playwright.config.ts starts: SMTP on E2E_SMTP_PORT, its HTTP API on the next port (as warnings.spec.ts).
const appPort = Number(process.env.E2E_APP_PORT ?? 3100);
const smtpPort = Number(process.env.E2E_SMTP_PORT ?? 2525 + 2 * (appPort - 3100));
const MAIL_API = `http://127.0.0.1:${smtpPort + 1}/messages`;

// Second browsers are contexts of their own; their traces are not needed to debug this spec.
test.use({ trace: "off" });

test.beforeEach(async ({ request }) => {
  await resetEmulator(request);
});

async function invite(page: Page, email: string, role: string): Promise<string> {
  await page.goto("/settings/members");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption({ label: role });
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${email}.`)).toBeVisible();
  const link = await page.getByLabel("Invitation link", { exact: true }).inputValue();
  // The same link went out through the configured SMTP server.
  await expect
    .poll(async () => {
      const mails = (await (await page.request.get(MAIL_API)).json()) as Array<{ to: string[]; subject: string; text: string }>;
      return mails.some((mail) => mail.to.includes(email) && mail.text.includes(link) && mail.subject.includes("invited you"));
    })
    .toBe(true);
  return link;
}

async function acceptAsNewUser(browser: Browser, link: string, name: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  await expect(page.getByRole("heading", { name: /^Join / })).toBeVisible();
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account and join" }).click();
  await expect(page).toHaveURL(/\/accounts$/);
  return page;
}

test("an invitation accepted in a second browser joins the workspace with its role; each role meets its limits", async ({ page, browser, request }) => {
  test.setTimeout(150_000);
  const seller = await createSeller(request, "members");
  const ownerEmail = uniqueEmail("oona");
  await signUp(page, "Oona Owner", ownerEmail);
  await connectAccount(page, seller.username);

  // The owner is the last owner: they cannot leave.
  await page.goto("/settings/members");
  await page.getByRole("button", { name: "Leave workspace" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "You are the last owner." })).toBeVisible();

  // A viewer: sees accounts, tests nothing, manages nothing.
  const viewerEmail = uniqueEmail("vic");
  const viewerLink = await invite(page, viewerEmail, "Viewer");
  const viewer = await acceptAsNewUser(browser, viewerLink, "Vic Viewer");
  await expect(viewer.getByRole("link", { name: seller.username })).toBeVisible();
  await expect(viewer.getByRole("button", { name: `Test ${seller.username}` })).toHaveCount(0);
  for (const path of ["/settings", "/settings/api-keys", "/settings/webhooks", "/accounts/import"]) {
    expect((await viewer.goto(path))?.status(), path).toBe(404);
  }
  await viewer.goto("/settings/members");
  await expect(viewer.getByRole("button", { name: "Send invitation" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: /^Remove / })).toHaveCount(0);

  // The link worked once.
  const reused = await viewer.context().newPage();
  await reused.goto(viewerLink);
  await expect(reused.getByText("This invitation has already been accepted.")).toBeVisible();

  // A member: tests, but connects and manages nothing.
  const memberLink = await invite(page, uniqueEmail("mo"), "Member");
  const member = await acceptAsNewUser(browser, memberLink, "Mo Member");
  await expect(member.getByRole("button", { name: `Test ${seller.username}` })).toBeVisible();
  await expect(member.getByRole("button", { name: /Connect/ })).toHaveCount(0);
  expect((await member.goto("/settings/api-keys"))?.status()).toBe(404);

  // An admin: invites and manages members and admins, but never the owner role.
  const adminEmail = uniqueEmail("ada");
  const adminLink = await invite(page, adminEmail, "Admin");
  const admin = await acceptAsNewUser(browser, adminLink, "Ada Admin");
  await admin.goto("/settings/members");
  await expect(admin.getByLabel("Role", { exact: true }).locator("option")).toHaveText(["Viewer", "Member", "Admin"]);
  await expect(admin.getByRole("combobox", { name: `Role of ${ownerEmail}` })).toHaveCount(0);
  await expect(admin.getByRole("button", { name: `Remove ${ownerEmail}` })).toHaveCount(0);
  await admin.getByRole("combobox", { name: `Role of ${viewerEmail}` }).selectOption({ label: "Member" });
  await expect(admin.getByRole("combobox", { name: `Role of ${viewerEmail}` })).toHaveValue("member");
  expect((await admin.goto("/settings/api-keys"))?.status()).toBe(200);

  // The owner makes the admin an owner; now the first owner may leave, and the last one still cannot be demoted.
  await page.goto("/settings/members");
  await page.getByRole("combobox", { name: `Role of ${adminEmail}` }).selectOption({ label: "Owner" });
  await expect(page.getByRole("combobox", { name: `Role of ${adminEmail}` })).toHaveValue("owner");
  await page.getByRole("button", { name: "Leave workspace" }).click();
  await expect(page).toHaveURL(/\/accounts/);
  await admin.goto("/settings/members");
  await expect(admin.getByText(ownerEmail)).toHaveCount(0);
  await expect(admin.getByRole("button", { name: "Leave workspace" })).toBeVisible();
  await admin.getByRole("button", { name: "Leave workspace" }).click();
  await expect(admin.getByRole("alert").filter({ hasText: "You are the last owner." })).toBeVisible();

  // Remove the viewer (now a member); revoking an open invitation closes its link.
  await admin.getByRole("button", { name: `Remove ${viewerEmail}` }).click();
  await expect(admin.getByText(viewerEmail)).toHaveCount(0);
  await viewer.goto("/accounts");
  await expect(viewer.getByRole("link", { name: seller.username })).toHaveCount(0);
  const lateEmail = uniqueEmail("late");
  await admin.getByLabel("Email address").fill(lateEmail);
  await admin.getByRole("button", { name: "Send invitation" }).click();
  const lateLink = await admin.getByLabel("Invitation link", { exact: true }).inputValue();
  await admin.getByRole("button", { name: `Revoke invitation for ${lateEmail}` }).click();
  await expect(admin.getByRole("button", { name: `Revoke invitation for ${lateEmail}` })).toHaveCount(0);
  const late = await (await browser.newContext()).newPage();
  await late.goto(lateLink);
  await expect(late.getByText("This invitation was withdrawn.")).toBeVisible();

  // Every step is in the history.
  await admin.goto("/audit");
  for (const label of ["Invited member", "Accepted invitation", "Changed member role", "Left workspace", "Removed member", "Revoked invitation"]) {
    await expect(admin.locator("main tbody").getByText(label).first(), label).toBeVisible();
  }
  for (const other of [viewer, member, admin, late]) await other.context().close();
});

test("an existing user signs in from the invitation and accepts it", async ({ page, browser }) => {
  await signUp(page, "Ivy Inviter", uniqueEmail("ivy"));
  const existingEmail = uniqueEmail("existing");
  const other = await (await browser.newContext()).newPage();
  await signUp(other, "Eli Existing", existingEmail);
  const link = await invite(page, existingEmail, "Member");
  await other.goto(link);
  await other.getByRole("button", { name: /^Accept and join / }).click();
  await expect(other).toHaveURL(/\/accounts$/);
  await other.goto("/settings/members");
  await expect(other.getByRole("heading", { name: "Members" })).toBeVisible();
  await expect(other.locator("main")).toContainText("Workspace: Ivy Inviter's workspace");
  await other.context().close();
});
