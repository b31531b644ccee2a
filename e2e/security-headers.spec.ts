import { expect, test, type APIResponse, type Page } from "@playwright/test";
import { connectAccount, signUp, uniqueEmail } from "./support/app";

// The suite serves over http://localhost, so Strict-Transport-Security must be absent here (lib/http/security-headers.mjs
// sends it only when NEXTAUTH_URL is https; its unit test covers that side).

function scriptSrc(policy: string): string {
  return policy.split(";").map((directive) => directive.trim()).find((directive) => directive.startsWith("script-src ")) ?? "";
}

/** Checks the headers every response must carry, and returns the script nonce of the policy (if it has one). */
function expectSecurityHeaders(response: APIResponse, where: string, expected: { nonce: boolean }): string | undefined {
  const policies = response.headersArray().filter((header) => header.name.toLowerCase() === "content-security-policy");
  expect(policies, `${where}: exactly one Content-Security-Policy`).toHaveLength(1);
  const policy = policies[0]!.value;
  expect(policy, where).toContain("frame-ancestors 'none'");
  expect(policy, where).toContain("object-src 'none'");
  const scripts = scriptSrc(policy);
  expect(scripts, where).toMatch(/^script-src /);
  expect(scripts, `${where}: no inline script or eval without a nonce`).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*/);
  const nonce = /'nonce-([A-Za-z0-9+/=_-]{16,})'/.exec(scripts)?.[1];
  if (expected.nonce) {
    expect(nonce, `${where}: script nonce`).toBeTruthy();
    expect(scripts, where).toContain("'strict-dynamic'");
  } else {
    expect(nonce, `${where}: no nonce on a static response`).toBeUndefined();
  }

  const headers = response.headers();
  expect(headers["permissions-policy"], where).toMatch(/(^|, )camera=\(\)/);
  expect(headers["permissions-policy"], where).toMatch(/(^|, )microphone=\(\)/);
  expect(headers["permissions-policy"], where).toMatch(/(^|, )geolocation=\(\)/);
  expect(headers["x-frame-options"], where).toBe("DENY");
  expect(headers["x-content-type-options"], where).toBe("nosniff");
  expect(headers["referrer-policy"], where).toBe("strict-origin-when-cross-origin");
  expect(headers["strict-transport-security"], `${where}: no HSTS over http`).toBeUndefined();
  return nonce;
}

/** Every script element in server-rendered HTML must carry the response's nonce. */
function expectEveryScriptNonced(html: string, nonce: string, where: string): void {
  const scriptTags = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scriptTags.length, where).toBeGreaterThan(0);
  for (const tag of scriptTags) expect(tag, where).toContain(`nonce="${nonce}"`);
}

/**
 * Records every CSP violation from here on, across navigations: the securitypolicyviolation event of each
 * document, and Chromium's console report of a blocked resource or a header it could not parse.
 */
async function recordCspViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeBinding("reportCspViolation", (_source, text: string) => {
    violations.push(text);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation;
      report(`${location.pathname}: ${event.violatedDirective} blocked ${event.blockedURI || "inline"} ${event.sample}`);
    });
  });
  page.on("console", (message) => {
    if (/Content[- ]Security[- ]Policy|Permissions-Policy/i.test(message.text())) violations.push(`console: ${message.text()}`);
  });
  return violations;
}

test("every kind of response carries the security headers, and pages run only nonce-bearing scripts", async ({
  page,
  request,
}) => {
  // Signed out: the sign-in page, a public JSON route, a static image, and the redirect of a guarded page.
  const signIn = await request.get("/sign-in");
  expect(signIn.status()).toBe(200);
  const signInNonce = expectSecurityHeaders(signIn, "/sign-in", { nonce: true })!;
  expectEveryScriptNonced(await signIn.text(), signInNonce, "/sign-in");

  const health = await request.get("/api/health");
  expect(health.ok()).toBe(true);
  expectSecurityHeaders(health, "/api/health", { nonce: true });

  const icon = await request.get("/icon.svg");
  expect(icon.ok()).toBe(true);
  expectSecurityHeaders(icon, "/icon.svg", { nonce: false });

  const guarded = await request.get("/accounts?view=all", { maxRedirects: 0 });
  expect(guarded.status()).toBe(307);
  expect(guarded.headers()["location"]).toMatch(/\/sign-in\?callbackUrl=%2Faccounts%3Fview%3Dall$/);
  expectSecurityHeaders(guarded, "signed-out redirect", { nonce: true });

  // Signed in: a page, its static chunks, and a JSON route.
  await signUp(page, "Hedda Headers", uniqueEmail("hedda"));
  const accounts = await page.request.get("/accounts");
  expect(accounts.status()).toBe(200);
  const accountsNonce = expectSecurityHeaders(accounts, "/accounts", { nonce: true })!;
  expect(accountsNonce).not.toBe(signInNonce);
  const html = await accounts.text();
  expectEveryScriptNonced(html, accountsNonce, "/accounts");

  const chunk = /<script\b[^>]*\bsrc="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
  expect(chunk).toBeTruthy();
  const chunkResponse = await page.request.get(chunk!);
  expect(chunkResponse.ok()).toBe(true);
  expectSecurityHeaders(chunkResponse, chunk!, { nonce: false });

  const api = await page.request.get("/api/accounts");
  expect(api.ok()).toBe(true);
  expect(api.headers()["content-type"]).toContain("application/json");
  expectSecurityHeaders(api, "/api/accounts", { nonce: true });
});

test("loading and using the pages logs no CSP violation", async ({ page }) => {
  const violations = await recordCspViolations(page);

  await page.goto("/sign-in");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await signUp(page, "Vera Violations", uniqueEmail("vera"));
  // A connected account: the round trip to eBay's consent page and back, and pages that render style attributes
  // (the timeline's positions).
  await connectAccount(page, "demo_de_haendler");
  for (const path of ["/accounts", "/timeline", "/runs", "/audit", "/notifications", "/settings"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    await page.waitForLoadState("networkidle");
  }
  // A client-side navigation loads the next page's chunks through the runtime (allowed by 'strict-dynamic').
  await page.getByRole("link", { name: "Timeline", exact: true }).first().click();
  await expect(page).toHaveURL(/\/timeline$/);
  await page.waitForLoadState("networkidle");

  expect(violations).toEqual([]);
});
