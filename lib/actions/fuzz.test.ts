// Property-based fuzzing (fast-check) of every server action's and every JSON route's input. A browser (or anyone
// with a session cookie) can send any payload to a server action's id and any query or body to a route, so for
// any input: never an unexpected failure (the 500 of a server action is its "unexpected" answer, or a throw), and
// no stack trace or database message in what comes back. Actions are called as the browser does, through their
// real wrappers, against the real database, signed in as a workspace owner (every check passes, so inputs reach
// the handlers) and signed out; routes are called with a Request as Next.js hands it over.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { SERVER_ACTIONS, type ServerActionName } from "@/lib/actions/action-table";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next-auth", async (importOriginal) =>
  (await import("@/test/support/next-auth-session")).withSignedInUser(await importOriginal(), () => session.userId, "fuzz@fuzz.test"),
);
vi.mock("next/headers", () => ({
  cookies: async () => ({ get: () => undefined, getAll: () => [], set: () => undefined }),
  headers: async () => new Headers({ "x-forwarded-for": "192.0.2.90" }),
}));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

type AnyAction = (input: unknown) => Promise<unknown>;

// What must never reach a browser: a stack frame, Prisma's or PostgreSQL's own words, the generic 500 text.
const LEAKS = [
  /\bat [\w$.<>[\] ]+ \(?[^)\s]*\.(?:ts|js|mjs|cjs):\d+:\d+\)?/,
  /prisma/i,
  /Invalid `[^`]*` invocation/,
  /\bP[12]\d{3}\b/,
  /violates (?:unique|foreign key|check|not-null) constraint/i,
  /\bSQLSTATE\b|\brelation "[^"]+" does not exist/i,
  /TypeError|ReferenceError|Cannot read properties/,
  /Something went wrong on our side/,
];

function expectNoLeak(text: string, context: string): void {
  for (const pattern of LEAKS) expect(text, `${context}: ${text.slice(0, 300)}`).not.toMatch(pattern);
}

// Values from every corner: plain JSON, strings built to break parsers and SQL, huge and odd numbers, nested shapes,
// and FormData (what a <form action> sends).
const nasty = fc.oneof(
  fc.constantFrom("", " ", "\u0000", "ck\u0000id", "' OR 1=1 --", "\"; DROP TABLE \"User\"; --", "../../etc/passwd", "%00", "\r\nBcc: x@y.z", "𝕏".repeat(300), "a".repeat(5000)),
  fc.string({ maxLength: 80 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 2 ** 53 + 1, -1e308),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  any: fc.oneof({ depthSize: "small" }, nasty, fc.array(tie("any"), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 12 }), tie("any"), { maxKeys: 5 })),
})).any;

const FIELD_NAMES = [
  "accountId", "nickname", "runId", "warningId", "read", "scope", "status", "accountIds", "filterLabel", "emailRecipients",
  "warningDays", "workspaceId", "name", "email", "password", "currentPassword", "newPassword", "token", "tokens", "mode", "tags", "csv",
  "scopes", "expiresInDays", "apiKeyId", "url", "description", "events", "endpointId", "enabled", "deliveryId", "linkId", "role",
  "membershipId", "invitationId",
];
// Objects with the fields the actions read, holding anything: this reaches past the first type check.
const shaped = fc.dictionary(fc.constantFrom(...FIELD_NAMES), value, { maxKeys: 6 });
const formData = fc.dictionary(fc.constantFrom(...FIELD_NAMES, "$ACTION_ID_x"), fc.string({ maxLength: 40 }), { maxKeys: 4 }).map((entries) => {
  const form = new FormData();
  for (const [name, entry] of Object.entries(entries)) form.set(name, entry);
  return form;
});
const actionInput = fc.oneof(value, shaped, formData);

let database: TestDatabase;
let ownerId = "";
const actions = new Map<ServerActionName, AnyAction>();

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  process.env.SIGN_UP_LIMIT_PER_IP_PER_HOUR = "100000";
  const owner = await database.db.user.create({ data: { email: "fuzz@fuzz.test", name: "Fuzz", passwordHash: "x" } });
  await database.db.workspace.create({ data: { name: "Fuzz", memberships: { create: { userId: owner.id, role: "owner" } } } });
  ownerId = owner.id;
  const modules: Record<ServerActionName, () => Promise<AnyAction>> = {
    startConnect: async () => (await import("@/app/(app)/accounts/actions/start-connect")).startConnectAction,
    startAuthNAuthConnect: async () => (await import("@/lib/actions/accounts/start-authnauth-connect")).startAuthNAuthConnectAction,
    startRecreate: async () => (await import("@/app/(app)/accounts/actions/start-recreate")).startRecreateAction,
    startRecreateTokens: async () => (await import("@/lib/actions/accounts/start-recreate-tokens")).startRecreateTokensAction,
    testAccount: async () => (await import("@/app/(app)/accounts/actions/test-account")).testAccountAction,
    renameAccount: async () => (await import("@/app/(app)/accounts/actions/rename-account")).renameAccountAction,
    disconnectAccount: async () => (await import("@/app/(app)/accounts/actions/disconnect-account")).disconnectAccountAction,
    setAccountTags: async () => (await import("@/lib/actions/accounts/set-account-tags")).setAccountTagsAction,
    importAccountsCsv: async () => (await import("@/lib/actions/accounts/import-accounts-csv")).importAccountsCsvAction,
    startCheckRun: async () => (await import("@/app/(app)/runs/actions/start-check-run")).startCheckRunAction,
    cancelCheckRun: async () => (await import("@/app/(app)/runs/actions/cancel-check-run")).cancelCheckRunAction,
    saveAlertSettings: async () => (await import("@/app/(app)/settings/actions/save-alert-settings")).saveAlertSettingsAction,
    createApiKey: async () => (await import("@/lib/actions/api-keys/create-api-key")).createApiKeyAction,
    revokeApiKey: async () => (await import("@/lib/actions/api-keys/revoke-api-key")).revokeApiKeyAction,
    createWebhookEndpoint: async () => (await import("@/lib/actions/webhooks/create-webhook-endpoint")).createWebhookEndpointAction,
    updateWebhookEndpoint: async () => (await import("@/lib/actions/webhooks/update-webhook-endpoint")).updateWebhookEndpointAction,
    deleteWebhookEndpoint: async () => (await import("@/lib/actions/webhooks/delete-webhook-endpoint")).deleteWebhookEndpointAction,
    redeliverWebhook: async () => (await import("@/lib/actions/webhooks/redeliver-webhook")).redeliverWebhookAction,
    createReauthLink: async () => (await import("@/lib/actions/reauth-links/create-reauth-link")).createReauthLinkAction,
    revokeReauthLink: async () => (await import("@/lib/actions/reauth-links/revoke-reauth-link")).revokeReauthLinkAction,
    inviteMember: async () => (await import("@/lib/actions/members/invite-member")).inviteMemberAction,
    revokeInvitation: async () => (await import("@/lib/actions/members/revoke-invitation")).revokeInvitationAction,
    changeMemberRole: async () => (await import("@/lib/actions/members/change-member-role")).changeMemberRoleAction,
    removeMember: async () => (await import("@/lib/actions/members/remove-member")).removeMemberAction,
    leaveWorkspace: async () => (await import("@/lib/actions/members/leave-workspace")).leaveWorkspaceAction,
    markWarningRead: async () => (await import("@/app/(app)/notifications/actions/mark-warning-read")).markWarningReadAction,
    markAllWarningsRead: async () => (await import("@/app/(app)/notifications/actions/mark-all-warnings-read")).markAllWarningsReadAction,
    switchWorkspace: async () => (await import("@/lib/actions/switch-workspace")).switchWorkspace as AnyAction,
    acceptInvitation: async () => (await import("@/lib/actions/members/accept-invitation")).acceptInvitationAction,
    startReauthLinkConsent: async () => (await import("@/lib/actions/reauth-links/start-reauth-link-consent")).startReauthLinkConsentAction,
    signUpAndAccept: async () => (await import("@/lib/actions/members/sign-up-and-accept")).signUpAndAcceptAction,
    signUp: async () => (await import("@/app/(auth)/sign-up/actions")).signUpAction as AnyAction,
    signOutEverywhere: async () => (await import("@/lib/actions/account/sign-out-everywhere")).signOutEverywhereAction,
    changePassword: async () => (await import("@/lib/actions/account/change-password")).changePasswordAction,
    requestPasswordReset: async () => (await import("@/lib/actions/account/request-password-reset")).requestPasswordResetAction,
    resetPassword: async () => (await import("@/lib/actions/account/reset-password")).resetPasswordAction,
    confirmAlertRecipient: async () => (await import("@/lib/actions/alerts/confirm-recipient")).confirmAlertRecipientAction,
    unsubscribeAlertRecipient: async () => (await import("@/lib/actions/alerts/unsubscribe-recipient")).unsubscribeAlertRecipientAction,
  };
  for (const name of Object.keys(SERVER_ACTIONS) as ServerActionName[]) actions.set(name, await modules[name]());
}, 60_000);

afterAll(async () => {
  delete process.env.SIGN_UP_LIMIT_PER_IP_PER_HOUR;
  await database?.cleanup();
});

/** An action's answer to one input: its result as JSON, or Next's redirect (control flow, not a failure). */
async function answerOf(action: AnyAction, input: unknown): Promise<string> {
  try {
    const result = (await action(input)) as { ok?: unknown; code?: unknown; error?: unknown };
    expect(typeof result?.ok, JSON.stringify(result)).toBe("boolean");
    expect(result.code, JSON.stringify(result)).not.toBe("unexpected");
    return JSON.stringify(result);
  } catch (error) {
    const digest = String((error as { digest?: unknown })?.digest ?? "");
    if (digest.startsWith("NEXT_REDIRECT")) return digest;
    throw error;
  }
}

describe("every server action, any input", () => {
  for (const name of Object.keys(SERVER_ACTIONS) as ServerActionName[]) {
    it(`${name}: an answer for every input, never a 500, a stack trace or a database message`, { timeout: 120_000 }, async () => {
      const action = actions.get(name)!;
      await fc.assert(
        fc.asyncProperty(actionInput, fc.boolean(), async (input, signedIn) => {
          session.userId = signedIn ? ownerId : null;
          expectNoLeak(await answerOf(action, input), name);
        }),
        { numRuns: 40, examples: [[{ accountId: "ck\u0000id", warningId: "\u0000", runId: "\u0000", token: "a\u0000b", email: "a\u0000@b.c" }, true]] },
      );
    });
  }
});

// A query string or path segment of anything: what a browser can put in a URL.
const queryValue = fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom("", "%", "%zz", "' OR 1=1", "\u0000", "ck\u0000id", "%00", "-1", "1e999", "𝕏", "a".repeat(3000)));
const query = fc.dictionary(
  fc.constantFrom("status", "sort", "dir", "page", "account", "action", "outcome", "from", "to", "cursor", "state", "code", "error", "token", "x"),
  queryValue,
  { maxKeys: 5 },
);

type RouteCall = (input: { query: Record<string, string>; segment: string; body: string }) => Promise<Response>;

const ROUTES: Record<string, () => Promise<RouteCall>> = {
  "GET /api/accounts": async () => {
    const { GET } = await import("@/app/api/accounts/route");
    return ({ query }) => GET(new Request(`http://localhost/api/accounts?${new URLSearchParams(query)}`));
  },
  "GET /api/accounts/[accountId]": async () => {
    const { GET } = await import("@/app/api/accounts/[accountId]/route");
    return ({ segment }) => GET(new Request("http://localhost/api/accounts/x"), { params: Promise.resolve({ accountId: segment }) });
  },
  "GET /api/runs": async () => {
    const { GET } = await import("@/app/api/runs/route");
    return () => GET();
  },
  "GET /api/runs/[runId]": async () => {
    const { GET } = await import("@/app/api/runs/[runId]/route");
    return ({ segment }) => GET(new Request("http://localhost/api/runs/x"), { params: Promise.resolve({ runId: segment }) });
  },
  "GET /timeline/calendar.ics": async () => {
    const { GET } = await import("@/app/(app)/timeline/calendar.ics/route");
    return ({ query }) => GET(new Request(`http://localhost/timeline/calendar.ics?${new URLSearchParams(query)}`));
  },
  "POST /audit/export": async () => {
    const { POST } = await import("@/app/(app)/audit/export/route");
    return ({ body }) =>
      POST(new Request("http://localhost/audit/export", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body }));
  },
  "POST /api/alerts/unsubscribe": async () => {
    const { POST } = await import("@/app/api/alerts/unsubscribe/route");
    return ({ query, body }) => POST(new Request(`http://localhost/api/alerts/unsubscribe?${new URLSearchParams(query)}`, { method: "POST", body }));
  },
  "GET /api/ebay/callback": async () => {
    const { GET } = await import("@/app/api/ebay/callback/route");
    const { NextRequest } = await import("next/server");
    return ({ query }) => GET(new NextRequest(`http://localhost/api/ebay/callback?${new URLSearchParams(query)}`));
  },
  "GET /api/health": async () => {
    const { GET } = await import("@/app/api/health/route");
    return () => GET();
  },
};

describe("every JSON route, any query, path segment or body", () => {
  for (const [route, load] of Object.entries(ROUTES)) {
    it(`${route}: never a 500, a stack trace or a database message`, { timeout: 120_000 }, async () => {
      const call = await load();
      await fc.assert(
        fc.asyncProperty(query, queryValue, fc.oneof(fc.string({ maxLength: 200 }), query.map((entries) => new URLSearchParams(entries).toString())), fc.boolean(), async (params, segment, body, signedIn) => {
          session.userId = signedIn ? ownerId : null;
          const response = await call({ query: params, segment, body });
          expect(response.status, route).toBeLessThan(500);
          // Streams (the CSV, the calendar) are read whole: an error inside one would surface here.
          expectNoLeak(await response.text(), route);
        }),
        {
          numRuns: 40,
          // Always tried, whatever the seed: PostgreSQL refuses NUL in text, in every parameter at once.
          examples: [[{ status: "\u0000", account: "ck\u0000id", cursor: "\u0000", state: "\u0000", token: "a\u0000b" }, "ck\u0000id", "account=%00&action=%00", true]],
        },
      );
    });
  }
});
