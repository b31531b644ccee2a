import { expect, test, type APIRequestContext } from "@playwright/test";
import { accountRow, connectAccount, signUp, uniqueEmail } from "./support/app";
import { resetEmulator, revokeSeller } from "./support/emulator";
import { advanceClock, createApiKey, createSeller, refreshesOf, refreshTokenFromAnotherTool, type ApiScope } from "./support/integrations";


test.beforeEach(async ({ request }) => {
  await resetEmulator(request);
});

function headersFor(key: string | null, json: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (json) headers["content-type"] = "application/json";
  return headers;
}

async function call(request: APIRequestContext, method: "GET" | "POST", path: string, key: string | null, data?: unknown) {
  const response = await request.fetch(`/api/v1${path}`, { method, headers: headersFor(key, data !== undefined), ...(data ? { data } : {}), maxRedirects: 0 });
  const text = await response.text();
  return { status: response.status(), headers: response.headers(), body: text ? JSON.parse(text) : null };
}

test("every endpoint answers its scope, refuses the others with problem details, and refuses no key", async ({ page, request }) => {
  test.setTimeout(120_000);
  const seller = await createSeller(request, "api_scope");
  const imported = await createSeller(request, "api_import");
  await signUp(page, "Abby Api", uniqueEmail("abby"));
  const accountId = await connectAccount(page, seller.username);
  const keys: Record<ApiScope, string> = {
    "accounts:read": await createApiKey(page, "Reader", ["accounts:read"]),
    "accounts:write": await createApiKey(page, "Writer", ["accounts:write"]),
    "tokens:read": await createApiKey(page, "Tokens", ["tokens:read"]),
  };
  const refreshToken = await refreshTokenFromAnotherTool(request, imported.username);
  let runId = "";
  const endpoints: Array<{ name: string; scope: ApiScope; method: "GET" | "POST"; path: () => string; data?: () => unknown; ok: number; check?: (body: any) => void }> = [
    { name: "list accounts", scope: "accounts:read", method: "GET", path: () => "/accounts", ok: 200, check: (body) => expect(body.data.map((account: { id: string }) => account.id)).toContain(accountId) },
    { name: "get account", scope: "accounts:read", method: "GET", path: () => `/accounts/${accountId}`, ok: 200, check: (body) => expect(body).toMatchObject({ id: accountId, ebayUserId: seller.userId, status: "healthy" }) },
    { name: "test account", scope: "accounts:write", method: "POST", path: () => `/accounts/${accountId}/test`, ok: 200, check: (body) => expect(body).toMatchObject({ accountId, status: "healthy", cause: null }) },
    {
      name: "access token",
      scope: "tokens:read",
      method: "POST",
      path: () => `/accounts/${accountId}/access-token`,
      ok: 200,
      check: (body) => {
        expect(body).toMatchObject({ ebayUserId: seller.userId, environment: "emulated" });
        expect(body.accessToken).toMatch(/^v\^1\.1#/);
        expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(5 * 60_000);
        expect(body.scopes.length).toBeGreaterThan(0);
      },
    },
    {
      name: "start check run",
      scope: "accounts:write",
      method: "POST",
      path: () => "/check-runs",
      data: () => ({ accountIds: [accountId] }),
      ok: 202,
      check: (body) => {
        expect(body).toMatchObject({ total: 1 });
        runId = body.id;
      },
    },
    { name: "get check run", scope: "accounts:read", method: "GET", path: () => `/check-runs/${runId}`, ok: 200, check: (body) => expect(body.id).toBe(runId) },
    {
      name: "import",
      scope: "accounts:write",
      method: "POST",
      path: () => "/accounts/import",
      data: () => ({ tokens: [{ refreshToken, nickname: "Imported shop", tags: ["imported"] }] }),
      ok: 200,
      check: (body) => {
        expect(body.results).toHaveLength(1);
        // The row carries the identity eBay gave for the token, not anything the caller said.
        expect(body.results[0]).toMatchObject({ ok: true, created: true, account: { ebayUserId: imported.userId, ebayUsername: imported.username, nickname: "Imported shop", tags: ["imported"], status: "healthy" } });
      },
    },
  ];

  for (const endpoint of endpoints) {
    const none = await call(request, endpoint.method, endpoint.path(), null, endpoint.data?.());
    expect(none.status, `${endpoint.name} without a key`).toBe(401);
    expect(none.headers["content-type"], endpoint.name).toContain("application/problem+json");
    expect(none.body).toMatchObject({ status: 401, title: "Missing or invalid API key" });
    expect(none.headers["www-authenticate"]).toContain("Bearer");
    const forged = await call(request, endpoint.method, endpoint.path(), `${keys[endpoint.scope].slice(0, -4)}AAAA`, endpoint.data?.());
    expect(forged.status, `${endpoint.name} with a forged key`).toBe(401);

    for (const scope of Object.keys(keys) as ApiScope[]) {
      const answer = await call(request, endpoint.method, endpoint.path(), keys[scope], endpoint.data?.());
      expect(answer.headers["ratelimit-policy"], `${endpoint.name} ${scope}`).toMatch(/^"per-key";q=\d+;w=60$/);
      expect(answer.headers.ratelimit, `${endpoint.name} ${scope}`).toMatch(/^"per-key";r=\d+;t=\d+$/);
      if (scope === endpoint.scope) {
        expect(answer.status, `${endpoint.name} with ${scope}: ${JSON.stringify(answer.body)}`).toBe(endpoint.ok);
        endpoint.check?.(answer.body);
      } else {
        expect(answer.status, `${endpoint.name} with ${scope}`).toBe(403);
        expect(answer.headers["content-type"]).toContain("application/problem+json");
        expect(answer.body).toMatchObject({ status: 403, title: "The API key lacks a scope" });
        expect(answer.body.detail).toContain(endpoint.scope);
      }
    }
  }

  // Filters and cursor pages.
  const reader = keys["accounts:read"];
  const byTag = await call(request, "GET", "/accounts?tag=imported", reader);
  expect(byTag.body.data.map((account: { ebayUserId: string }) => account.ebayUserId)).toEqual([imported.userId]);
  const first = await call(request, "GET", "/accounts?limit=1", reader);
  expect(first.body.data).toHaveLength(1);
  const second = await call(request, "GET", `/accounts?limit=1&cursor=${first.body.nextCursor}`, reader);
  expect(second.body.data).toHaveLength(1);
  expect(second.body.data[0].id).not.toBe(first.body.data[0].id);
  expect(second.body.nextCursor).toBeNull();
  const invalid = await call(request, "GET", "/accounts?status=sleeping", reader);
  expect(invalid.status).toBe(400);
  expect(invalid.body.errors[0].path).toBe("query.status");
  expect((await call(request, "GET", "/accounts/nope", reader)).status).toBe(404);

  // The key is visible in the dashboard only by its prefix, with its last use.
  await page.goto("/settings/api-keys");
  await expect(page.locator("main")).not.toContainText(keys["tokens:read"]);
  await expect(page.locator(`tr[data-api-key-prefix="${keys["tokens:read"].slice(0, 15)}"]`)).not.toContainText("Never used");

  // Revoked keys open nothing.
  await page.locator(`tr[data-api-key-prefix="${reader.slice(0, 15)}"]`).getByRole("button", { name: "Revoke Reader" }).click();
  await expect(page.locator(`tr[data-api-key-prefix="${reader.slice(0, 15)}"]`)).toContainText("Revoked");
  const revoked = await call(request, "GET", "/accounts", reader);
  expect(revoked.status).toBe(401);
  expect(revoked.body.detail).toBe("This API key was revoked.");

  // The imported account is in the table with its tag, and its import is in the history.
  await page.goto("/accounts?tag=imported");
  await expect(accountRow(page, "Imported shop")).toBeVisible();
  await page.goto("/audit");
  await expect(page.locator("main tbody")).toContainText("Imported token");
  await expect(page.locator("main tbody")).toContainText("Issued access token");
});

test("50 simultaneous access-token requests on an account due for refresh make one refresh at eBay", async ({ page, request }) => {
  test.setTimeout(120_000);
  const seller = await createSeller(request, "api_flight");
  await signUp(page, "Fay Flight", uniqueEmail("fay"));
  const accountId = await connectAccount(page, seller.username);
  const key = await createApiKey(page, "Burst", ["tokens:read"]);
  // The access token (2 hours) now has under 5 minutes left, on the app's and eBay's shared clock.
  await advanceClock(request, 2 * 3600 - 120);
  const before = await refreshesOf(request, seller.userId);
  const answers = await Promise.all(Array.from({ length: 50 }, () => call(request, "POST", `/accounts/${accountId}/access-token`, key)));
  for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expect(new Set(answers.map((answer) => answer.body.accessToken)).size).toBe(1);
  expect(await refreshesOf(request, seller.userId)).toBe(before + 1);
  // The refresh is in the history once, every issuance once each (never the token).
  await page.goto(`/audit?account=${accountId}&action=token_refresh`);
  await expect(page.getByText(/^Access token refreshed; valid until/)).toHaveCount(1);
  await page.goto(`/audit?account=${accountId}&action=token_issue`);
  await expect(page.getByText(/^Access token issued/)).toHaveCount(50);
});

test("an account that needs re-authorization answers 409 with the cause and the link that fixes it", async ({ page, request, baseURL }) => {
  const seller = await createSeller(request, "api_dead");
  await signUp(page, "Rhea Revoked", uniqueEmail("rhea"));
  const accountId = await connectAccount(page, seller.username);
  const key = await createApiKey(page, "Tokens", ["tokens:read", "accounts:write"]);
  await revokeSeller(request, seller.username, "REVOKED_BY_USER");
  // The API's Test gives the dashboard's verdict and cause.
  const tested = await call(request, "POST", `/accounts/${accountId}/test`, key);
  expect(tested.body).toMatchObject({ status: "needs_reauth", cause: "revoked_by_user" });
  const answer = await call(request, "POST", `/accounts/${accountId}/access-token`, key);
  expect(answer.status).toBe(409);
  expect(answer.headers["content-type"]).toContain("application/problem+json");
  expect(answer.body).toMatchObject({ status: 409, title: "The account needs re-authorization", cause: "revoked_by_user", fixUrl: `${baseURL}/accounts/${accountId}` });
  expect(answer.body.type).toBe(`${baseURL}/settings/api#problem-needs_reauth`);
  expect(JSON.stringify(answer.body)).not.toContain("v^1.1#");
});

test("the OpenAPI document is generated from the request schemas and the reference page reads it", async ({ page, request }) => {
  const document = await (await request.get("/api/v1/openapi.json")).json();
  expect(document.openapi).toBe("3.1.0");
  expect(Object.keys(document.paths).sort()).toEqual(["/accounts", "/accounts/import", "/accounts/{id}", "/accounts/{id}/access-token", "/accounts/{id}/test", "/check-runs", "/check-runs/{id}"]);
  const list = document.paths["/accounts"].get;
  expect(list.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(["status", "tag", "cursor", "limit"]);
  expect(list.parameters[0].schema.enum).toContain("needs_reauth");
  expect(document.paths["/accounts/{id}/access-token"].post.responses["409"]).toBeTruthy();
  expect(document.components.schemas.AccessToken.required).toEqual(["accessToken", "expiresAt", "scopes", "ebayUserId", "environment"]);
  await signUp(page, "Rex Reference", uniqueEmail("rex"));
  await page.goto("/settings/api");
  await expect(page.getByRole("heading", { name: "POST /api/v1/accounts/{id}/access-token" })).toBeVisible();
  await expect(page.getByText("Scope: `tokens:read`.")).toBeVisible();
});
