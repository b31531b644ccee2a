import { expect, type Page } from "@playwright/test";
import { signInToEbayAndAgree } from "./emulator";

export const PASSWORD = "correct horse battery staple";

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.test`;
}

export async function signUp(page: Page, name: string, email: string): Promise<void> {
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/accounts$/);
}

export function accountRow(page: Page, name: string) {
  return page.locator("tr[data-account-id]").filter({ has: page.getByRole("link", { name, exact: true }) });
}

export async function connectAccount(page: Page, ebayUsername: string): Promise<string> {
  await page.goto("/accounts");
  await page.getByRole("button", { name: /^Connect (your first )?eBay account$/ }).click();
  await signInToEbayAndAgree(page, ebayUsername);
  await expect(page.getByText(`Connected ${ebayUsername}.`)).toBeVisible();
  const id = await accountRow(page, ebayUsername).getAttribute("data-account-id");
  expect(id).toBeTruthy();
  return id!;
}

export async function testAccountRow(page: Page, name: string): Promise<void> {
  const row = accountRow(page, name);
  await row.getByRole("button", { name: `Test ${name}` }).click();
  await expect(row.getByRole("button", { name: `Test ${name}` })).not.toHaveAttribute("aria-busy", "true");
}
