import { expect, test } from "@playwright/test";
import { signUp, uniqueEmail } from "./support/app";

// Served directly (no TRUSTED_PROXY_HOPS / TRUSTED_PROXIES), a client's X-Forwarded-For is its own text: the
// history (and the per-IP limits, which key on the same value) must use the connection's address instead.
test("a forged X-Forwarded-For reaches neither the history nor the sign-up and sign-in records", async ({ page }) => {
  const forged = "203.0.113.66";
  await page.setExtraHTTPHeaders({ "X-Forwarded-For": forged });
  await signUp(page, "Fay Forger", uniqueEmail("fay"));

  await page.goto("/audit");
  const history = page.getByRole("main");
  await expect(history.getByText(/^Account and workspace created \(from (127\.0\.0\.1|::1)\)\.$/)).toBeVisible();
  await expect(history.getByText(/^Signed in from (127\.0\.0\.1|::1)\.$/)).toBeVisible();
  await expect(history).not.toContainText(forged);
});
