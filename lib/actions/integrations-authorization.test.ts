// Every teams-and-integrations server action (lib/actions/<area>/<verb>.ts), called as the browser would call it, by
// each role, signed out, and with another workspace's real ids. Only Next's edges are replaced (session, cookies,
// headers, cache); the database and eBay (the emulator over HTTP) are real.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase } from "@/test/support/test-database";
import { startEmulator, type EmulatorHarness } from "@/test/support/emulator-harness";
import { exchangeAuthorizationCode } from "@/lib/ebay/oauth";

const session = vi.hoisted(() => ({ userId: null as string | null, email: "x@example.test" }));

vi.mock("next-auth", async (importOriginal) =>
  (await import("@/test/support/next-auth-session")).withSignedInUser(await importOriginal(), () => session.userId, "x@example.test"),
);
vi.mock("next/headers", () => ({
  cookies: async () => ({ get: () => undefined, set: () => undefined, delete: () => undefined }),
  headers: async () => new Headers(),
}));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

type Result = { ok: boolean; code?: string; data?: unknown; error?: string };
type Action = (input: unknown) => Promise<Result>;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let emulator: EmulatorHarness;
const roles = ["owner", "admin", "member", "viewer"] as const;
const users: Record<(typeof roles)[number] | "outsider", string> = { owner: "", admin: "", member: "", viewer: "", outsider: "" };
const home = { id: "", accountId: "", viewerMembershipId: "", ownerMembershipId: "" };
const other = { id: "", accountId: "", apiKeyId: "", endpointId: "", deliveryId: "", invitationId: "", linkId: "", membershipId: "" };
let actions: Record<string, Action>;

beforeAll(async () => {
  emulator = await startEmulator();
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = "1";
  const db = database.db;
  const homeWorkspace = await db.workspace.create({ data: { name: "Home" } });
  const otherWorkspace = await db.workspace.create({ data: { name: "Other" } });
  home.id = homeWorkspace.id;
  other.id = otherWorkspace.id;
  for (const role of roles) {
    const user = await db.user.create({ data: { email: `${role}@home.test`, name: role, passwordHash: "x" } });
    const membership = await db.membership.create({ data: { userId: user.id, workspaceId: home.id, role } });
    users[role] = user.id;
    if (role === "viewer") home.viewerMembershipId = membership.id;
    if (role === "owner") home.ownerMembershipId = membership.id;
  }
  const outsider = await db.user.create({ data: { email: "owner@other.test", name: "outsider", passwordHash: "x" } });
  await db.membership.create({ data: { userId: outsider.id, workspaceId: other.id, role: "owner" } });
  const otherViewer = await db.user.create({ data: { email: "viewer@other.test", name: "v", passwordHash: "x" } });
  other.membershipId = (await db.membership.create({ data: { userId: otherViewer.id, workspaceId: other.id, role: "viewer" } })).id;
  users.outsider = outsider.id;

  const connect = async (workspaceId: string) => {
    const seller = await emulator.createSeller("integ");
    const { code } = await emulator.consent(seller.username);
    const grant = await exchangeAuthorizationCode(code);
    const account = await db.ebayAccount.create({
      data: {
        workspaceId,
        environment: "emulated",
        ebayUserId: seller.userId,
        ebayUsername: seller.username,
        scopes: emulator.config.scopes.join(" "),
        accessToken: grant.accessToken,
        accessTokenExpiresAt: new Date(Date.now() + grant.accessTokenExpiresIn * 1000),
        refreshToken: grant.refreshToken,
        refreshTokenExpiresAt: new Date(Date.now() + grant.refreshTokenExpiresIn * 1000),
      },
    });
    return account.id;
  };
  home.accountId = await connect(home.id);
  other.accountId = await connect(other.id);

  // The other workspace's rows of every kind, made through the lib functions.
  const actor = { userId: outsider.id, label: "owner@other.test" };
  other.apiKeyId = (await (await import("@/lib/api-keys/api-keys")).createApiKey(db, { workspaceId: other.id, name: "o", scopes: ["accounts:read"], expiresInDays: null, actor })).id;
  other.endpointId = (await (await import("@/lib/webhooks/endpoints")).createWebhookEndpoint(db, { workspaceId: other.id, url: "http://127.0.0.1:9/x", description: "", events: ["account.connected"], actor })).id;
  other.deliveryId = (await (await import("@/lib/webhooks/deliveries")).queueWebhookEvent(db, { workspaceId: other.id, type: "account.connected", data: {} }))[0]!;
  other.invitationId = (await (await import("@/lib/members/members")).createInvitation(db, { workspaceId: other.id, workspaceName: "Other", email: "someone@other.test", role: "viewer", actor: { ...actor, role: "owner" }, appUrl: "https://x" })).id;
  other.linkId = (await (await import("@/lib/reauth-links/reauth-links")).createReauthLink(db, { workspaceId: other.id, accountId: other.accountId, expiresInDays: 7, actor })).id;

  actions = {
    setAccountTags: (await import("@/lib/actions/accounts/set-account-tags")).setAccountTagsAction,
    importAccountsCsv: (await import("@/lib/actions/accounts/import-accounts-csv")).importAccountsCsvAction,
    createReauthLink: (await import("@/lib/actions/reauth-links/create-reauth-link")).createReauthLinkAction,
    revokeReauthLink: (await import("@/lib/actions/reauth-links/revoke-reauth-link")).revokeReauthLinkAction,
    createApiKey: (await import("@/lib/actions/api-keys/create-api-key")).createApiKeyAction,
    revokeApiKey: (await import("@/lib/actions/api-keys/revoke-api-key")).revokeApiKeyAction,
    createWebhookEndpoint: (await import("@/lib/actions/webhooks/create-webhook-endpoint")).createWebhookEndpointAction,
    updateWebhookEndpoint: (await import("@/lib/actions/webhooks/update-webhook-endpoint")).updateWebhookEndpointAction,
    deleteWebhookEndpoint: (await import("@/lib/actions/webhooks/delete-webhook-endpoint")).deleteWebhookEndpointAction,
    redeliverWebhook: (await import("@/lib/actions/webhooks/redeliver-webhook")).redeliverWebhookAction,
    inviteMember: (await import("@/lib/actions/members/invite-member")).inviteMemberAction,
    revokeInvitation: (await import("@/lib/actions/members/revoke-invitation")).revokeInvitationAction,
    changeMemberRole: (await import("@/lib/actions/members/change-member-role")).changeMemberRoleAction,
    removeMember: (await import("@/lib/actions/members/remove-member")).removeMemberAction,
  };
});

afterAll(async () => {
  delete process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS;
  await emulator?.close();
  await database?.cleanup();
});

function as(user: keyof typeof users | null) {
  session.userId = user ? users[user] : null;
}

// A valid input for each action, aimed at the other workspace's ids where the action takes one.
const foreignInput: Record<string, () => unknown> = {
  setAccountTags: () => ({ mode: "add", accountIds: [other.accountId], tags: "x" }),
  importAccountsCsv: () => ({ csv: "refresh_token\nv^1.1#i^1#nothing" }),
  createReauthLink: () => ({ accountId: other.accountId, expiresInDays: 3 }),
  revokeReauthLink: () => ({ accountId: other.accountId, linkId: other.linkId }),
  createApiKey: () => ({ name: "k", scopes: ["accounts:read"], expiresInDays: 30 }),
  revokeApiKey: () => ({ apiKeyId: other.apiKeyId }),
  createWebhookEndpoint: () => ({ url: "http://127.0.0.1:9/hook", events: ["account.connected"] }),
  updateWebhookEndpoint: () => ({ endpointId: other.endpointId, enabled: false }),
  deleteWebhookEndpoint: () => ({ endpointId: other.endpointId }),
  redeliverWebhook: () => ({ deliveryId: other.deliveryId }),
  inviteMember: () => ({ email: "new@home.test", role: "viewer" }),
  revokeInvitation: () => ({ invitationId: other.invitationId }),
  changeMemberRole: () => ({ membershipId: other.membershipId, role: "admin" }),
  removeMember: () => ({ membershipId: other.membershipId }),
};
const takesForeignIds = ["setAccountTags", "createReauthLink", "revokeReauthLink", "revokeApiKey", "updateWebhookEndpoint", "deleteWebhookEndpoint", "redeliverWebhook", "revokeInvitation", "changeMemberRole", "removeMember"];

describe("teams-and-integrations server actions", () => {
  it.each(Object.keys(foreignInput))("%s refuses a signed-out caller", async (name) => {
    as(null);
    expect(await actions[name]!(foreignInput[name]!())).toMatchObject({ ok: false, code: "unauthenticated" });
  });

  it.each(Object.keys(foreignInput))("%s refuses members and viewers (admins and owners only)", async (name) => {
    for (const role of ["viewer", "member"] as const) {
      as(role);
      expect(await actions[name]!(foreignInput[name]!()), role).toMatchObject({ ok: false, code: "forbidden" });
    }
  });

  it.each(takesForeignIds)("%s refuses another workspace's real id and leaves it alone", async (name) => {
    as("owner");
    const result = await actions[name]!(foreignInput[name]!());
    expect(result.ok).toBe(false);
    expect(result.code).toBe("not_found");
  });

  it("the other workspace's rows are untouched", async () => {
    const db = database.db;
    expect(await db.ebayAccount.findUniqueOrThrow({ where: { id: other.accountId } })).toMatchObject({ tags: [] });
    expect(await db.apiKey.findUniqueOrThrow({ where: { id: other.apiKeyId } })).toMatchObject({ revokedAt: null });
    expect(await db.webhookEndpoint.findUniqueOrThrow({ where: { id: other.endpointId } })).toMatchObject({ disabledAt: null });
    expect(await db.invitation.findUniqueOrThrow({ where: { id: other.invitationId } })).toMatchObject({ revokedAt: null });
    expect(await db.reauthLink.findUniqueOrThrow({ where: { id: other.linkId } })).toMatchObject({ revokedAt: null });
    expect(await db.membership.findUniqueOrThrow({ where: { id: other.membershipId } })).toMatchObject({ role: "viewer" });
  });

  it("lets admins and owners do each on their own workspace", async () => {
    const db = database.db;
    as("admin");
    expect(await actions.setAccountTags!({ mode: "set", accountIds: [home.accountId], tags: "EU, vip" })).toMatchObject({ ok: true, data: { changed: 1 } });
    expect((await db.ebayAccount.findUniqueOrThrow({ where: { id: home.accountId } })).tags).toEqual(["eu", "vip"]);
    expect(await actions.setAccountTags!({ mode: "add", accountIds: [home.accountId], tags: "bad tag!" })).toMatchObject({ ok: false, code: "invalid_input" });

    const link = await actions.createReauthLink!({ accountId: home.accountId, expiresInDays: 2 });
    expect(link).toMatchObject({ ok: true });
    expect((link.data as { link: string }).link).toMatch(/\/reauthorize\/[A-Za-z0-9_-]{43}$/);

    const key = await actions.createApiKey!({ name: "Sync", scopes: ["tokens:read"], expiresInDays: null });
    expect((key.data as { key: string }).key).toMatch(/^ck_[0-9a-f]{12}_/);
    expect(await actions.createWebhookEndpoint!({ url: "ftp://example.com", events: ["account.connected"] })).toMatchObject({ ok: false, code: "invalid_input" });
    const endpoint = await actions.createWebhookEndpoint!({ url: "http://127.0.0.1:9/hook", events: ["account.connected"] });
    expect((endpoint.data as { signingSecret: string }).signingSecret).toMatch(/^whsec_/);

    // An admin manages members but never grants the owner role, nor touches an owner.
    expect(await actions.inviteMember!({ email: "boss@home.test", role: "owner" })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await actions.changeMemberRole!({ membershipId: home.ownerMembershipId, role: "viewer" })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await actions.changeMemberRole!({ membershipId: home.viewerMembershipId, role: "member" })).toMatchObject({ ok: true, data: { changed: true } });
    const invited = await actions.inviteMember!({ email: "New@Home.test", role: "viewer" });
    expect(invited).toMatchObject({ ok: true, data: { emailed: false } });

    // The CSV import validates each row at eBay.
    const seller = await emulator.createSeller("csv");
    const { code } = await emulator.consent(seller.username);
    const { refreshToken } = await exchangeAuthorizationCode(code);
    const csv = `refresh_token,nickname,tags\n"${refreshToken}","CSV shop","imported eu"\nv^1.1#i^1#dead,,\n`;
    const imported = await actions.importAccountsCsv!({ csv });
    expect(imported).toMatchObject({ ok: true, data: { results: [{ row: 2, ok: true, name: "CSV shop", created: true }, { row: 3, ok: false }] } });
    expect(await db.ebayAccount.findFirstOrThrow({ where: { workspaceId: home.id, ebayUserId: seller.userId } })).toMatchObject({ tags: ["eu", "imported"], status: "healthy" });
    expect(await actions.importAccountsCsv!({ csv: "nickname\nx" })).toMatchObject({ ok: false, error: "The CSV needs a refresh_token column." });
    expect(JSON.stringify(imported)).not.toContain(refreshToken);
  });
});
