import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { connectAccount, signUp, testAccountRow, uniqueEmail } from "./support/app";
import { createApiKey } from "./support/integrations";
import { resetEmulator } from "./support/emulator";

// Every eBay token and authorization code starts like this (emulated and real alike).
const EBAY_TOKEN_SHAPE = "v^1.1#";
const EMULATED_CLIENT_SECRET = "EMU-5e0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b";

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const full = path.join(directory, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

test("no token, secret or stack trace reaches HTML, RSC payloads, JSON routes or client bundles", async ({ page, request }) => {
  await resetEmulator(request);
  await signUp(page, "Tess Token", uniqueEmail("tess"));
  const accountId = await connectAccount(page, "demo_us_jane");
  await testAccountRow(page, "demo_us_jane");
  // The secrets of the integration pages: an API key and a webhook signing secret, each shown once.
  const apiKey = await createApiKey(page, "Secret scan", ["accounts:read", "tokens:read"]);
  await page.goto("/settings/webhooks");
  await page.getByLabel("Endpoint URL").fill("http://127.0.0.1:9/hook");
  await page.getByRole("button", { name: "Add endpoint" }).click();
  const signingSecret = await page.getByLabel("Signing secret", { exact: true }).inputValue();
  const secrets = [apiKey, apiKey.split("_").pop()!, signingSecret, signingSecret.replace(/^whsec_/, "")];

  const pages = ["/accounts", `/accounts/${accountId}`, "/audit", "/timeline", "/runs", "/notifications", "/account"];
  pages.push("/settings", "/settings/members", "/settings/api-keys", "/settings/webhooks", "/settings/api", "/accounts/import");
  for (const url of pages) {
    for (const headers of [{}, { RSC: "1" }] as Record<string, string>[]) {
      const response = await page.request.get(url, { headers });
      expect(response.status(), url).toBe(200);
      const body = await response.text();
      expect(body, `${url} ${JSON.stringify(headers)}`).not.toContain(EBAY_TOKEN_SHAPE);
      expect(body, url).not.toContain(EMULATED_CLIENT_SECRET);
      expect(body, url).not.toMatch(/at [\w.<>]+ \(.*\.(ts|js):\d+:\d+\)/);
      for (const secret of secrets) expect(body, url).not.toContain(secret);
    }
  }
  const exported = await page.request.post("/audit/export", { form: {} });
  expect(exported.status()).toBe(200);
  for (const [url, body] of [
    ...(await Promise.all(
      ["/api/accounts", `/api/accounts/${accountId}`, "/timeline/calendar.ics", "/api/v1/openapi.json"].map(async (url) => [
        url,
        await (await page.request.get(url)).text(),
      ]),
    )),
    ["/audit/export (POST)", await exported.text()],
  ]) {
    expect(body, url).not.toContain(EBAY_TOKEN_SHAPE);
    expect(body, url).not.toContain(EMULATED_CLIENT_SECRET);
    for (const secret of secrets) expect(body, url).not.toContain(secret);
  }
  // The REST API's reads carry facts about tokens, never a token (only access-token does, by design).
  for (const url of ["/api/v1/accounts", `/api/v1/accounts/${accountId}`]) {
    const response = await page.request.get(url, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(response.status(), url).toBe(200);
    const body = await response.text();
    expect(body, url).not.toContain(EBAY_TOKEN_SHAPE);
    expect(body, url).not.toContain(EMULATED_CLIENT_SECRET);
  }
  // A wrong key's refusal does not echo it.
  const refused = await page.request.get("/api/v1/accounts", { headers: { authorization: `Bearer ${apiKey}x` } });
  expect(await refused.text()).not.toContain(apiKey);

  // The pages reachable signed out, from the emails' links included, and the one-click unsubscribe route.
  const anonymous = await page.context().browser()!.newContext();
  for (const url of ["/sign-in", "/sign-up", "/forgot-password", "/reset-password?token=not-a-real-token-123456", "/alerts/confirm?token=x", "/alerts/unsubscribe?token=x"]) {
    const response = await anonymous.request.get(url);
    expect(response.status(), url).toBe(200);
    const body = await response.text();
    expect(body, url).not.toContain(EBAY_TOKEN_SHAPE);
    expect(body, url).not.toContain(EMULATED_CLIENT_SECRET);
    expect(body, url).not.toMatch(/at [\w.<>]+ \(.*\.(ts|js):\d+:\d+\)/);
  }
  const unsubscribe = await anonymous.request.post("/api/alerts/unsubscribe?token=forged.signature", { form: { "List-Unsubscribe": "One-Click" } });
  expect(unsubscribe.status()).toBe(404);
  expect(await unsubscribe.text()).not.toMatch(/prisma|at .*:\d+:\d+/i);
  await anonymous.close();

  const staticDir = path.join(process.env.NEXT_DIST_DIR || ".next", "static");
  const bundles = filesUnder(staticDir).filter((file) => file.endsWith(".js"));
  expect(bundles.length).toBeGreaterThan(0);
  for (const file of bundles) {
    const source = readFileSync(file, "utf8");
    expect(source, file).not.toContain(EMULATED_CLIENT_SECRET);
    expect(source, file).not.toContain("TOKEN_ENCRYPTION_KEYS");
    for (const secret of secrets) expect(source, file).not.toContain(secret);
  }
});
