import { expect, test, type Browser, type Page } from "@playwright/test";
import { PASSWORD, signUp, uniqueEmail } from "./support/app";

// Security review, finding 10: sessions end when the account says so. Two browsers signed in as one user (a laptop
// and a stolen cookie): "Sign out everywhere" and a password change in one end the other at its next request; a
// password reset by the mailed link works once and ends them too. The mail catcher is playwright.config.ts's.
test.use({ trace: "off" });

const appPort = Number(process.env.E2E_APP_PORT ?? 3100);
const smtpPort = Number(process.env.E2E_SMTP_PORT ?? 2525 + 2 * (appPort - 3100));
const MAIL_API = `http://127.0.0.1:${smtpPort + 1}/messages`;

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/accounts$/);
}

async function secondBrowser(browser: Browser, email: string, password: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email, password);
  return page;
}

async function expectSignedOut(page: Page): Promise<void> {
  await page.goto("/accounts");
  await expect(page).toHaveURL(/\/sign-in/);
  expect((await page.request.get("/api/accounts", { maxRedirects: 0 })).status()).not.toBe(200);
}

test("sign out everywhere ends the other browser's session at once", async ({ page, browser }) => {
  const email = uniqueEmail("everywhere");
  await signUp(page, "Eve Everywhere", email);
  const other = await secondBrowser(browser, email, PASSWORD);
  expect((await other.request.get("/api/accounts")).status()).toBe(200);

  await page.goto("/account");
  await expect(page.getByRole("heading", { name: "Your account", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await expectSignedOut(other);
  await other.context().close();
});

test("a password change ends every other session, and only the new password signs in", async ({ page, browser }) => {
  const email = uniqueEmail("changer");
  await signUp(page, "Cham Changer", email);
  const other = await secondBrowser(browser, email, PASSWORD);

  await page.getByRole("button", { name: /^Account menu for/ }).click();
  await page.getByRole("link", { name: "Your account" }).click();
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill("a brand new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed. Every other session of your account was ended.")).toBeVisible();
  // This browser stays signed in (it signed in again with the new password)…
  await page.goto("/accounts");
  await expect(page).toHaveURL(/\/accounts$/);
  // …the other does not.
  await expectSignedOut(other);
  await other.context().close();

  const fresh = await browser.newContext();
  const check = await fresh.newPage();
  await check.goto("/sign-in");
  await check.getByLabel("Email").fill(email);
  await check.getByLabel("Password").fill(PASSWORD);
  await check.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(check.getByText("Email or password is incorrect.")).toBeVisible();
  await fresh.close();
});

test("a password reset link from the mail works once and ends every session", async ({ page, browser, request }) => {
  const email = uniqueEmail("forgetful");
  await signUp(page, "Fay Forgetful", email);

  const anonymous = await browser.newContext();
  const visitor = await anonymous.newPage();
  await visitor.goto("/sign-in");
  await visitor.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(visitor.getByRole("heading", { name: "Forgot your password?", level: 1 })).toBeVisible();
  await visitor.getByLabel("Email").fill(email);
  await visitor.getByRole("button", { name: "Email me a link" }).click();
  await expect(visitor.getByText(/a link to choose a new password is on its way/)).toBeVisible();

  let link = "";
  await expect
    .poll(async () => {
      const mails = (await (await request.get(MAIL_API)).json()) as { to: string[]; text: string }[];
      link = /(http\S+\/reset-password\?token=\S+)/.exec(mails.find((mail) => mail.to.includes(email))?.text ?? "")?.[1] ?? "";
      return link;
    }, { timeout: 30_000 })
    .not.toBe("");

  await visitor.goto(link);
  await visitor.getByLabel("New password").fill("reset to something new");
  await visitor.getByRole("button", { name: "Set new password" }).click();
  await expect(visitor.getByText("Your password is changed and every session of your account was ended.")).toBeVisible();
  await expectSignedOut(page);

  // The same link again: refused.
  await visitor.goto(link);
  await visitor.getByLabel("New password").fill("and once more please");
  await visitor.getByRole("button", { name: "Set new password" }).click();
  await expect(visitor.getByText("This link has expired or was already used.")).toBeVisible();

  await signIn(visitor, email, "reset to something new");
  await anonymous.close();
});
