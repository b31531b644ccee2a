// Security review, finding 8: one table (lib/actions/action-table.ts) says who may call each server action, and
// this test walks it: every action of the product, called as the browser calls it (through its real wrapper), as
// every role, signed in and signed out, against the real database (and the emulator for eBay). Each call is
// allowed exactly when the table says so. A server action module whose export is not in the table, or an entry
// without a fixture below, fails the test: a new action cannot ship without a line in the table.
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { startEmulator, type EmulatorHarness } from "@/test/support/emulator-harness";
import { connectTestAccount, type TestWorkspace } from "@/test/support/connected-accounts";
import { SERVER_ACTIONS, type ServerActionName } from "@/lib/actions/action-table";
import { ROLES, can, type Role } from "@/lib/auth/roles";

const session = vi.hoisted(() => ({ userId: null as string | null, version: async (_userId: string) => 0 }));
// The session a browser would carry for the caller, with the user's current session version (sign out everywhere
// and a password change raise it; a walk that kept the old one would be refused for the wrong reason).
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () =>
    session.userId
      ? { user: { id: session.userId, email: "walker@walk.test", sessionVersion: await session.version(session.userId) }, expires: "2999-01-01T00:00:00.000Z" }
      : null,
}));
vi.mock("next/headers", () => ({
  cookies: async () => ({ get: () => undefined, getAll: () => [], set: () => undefined, delete: () => undefined }),
  headers: async () => new Headers({ "x-forwarded-for": "192.0.2.44" }),
}));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

type Caller = Role | "signed-out";
const CALLERS: readonly Caller[] = ["signed-out", ...ROLES];
type AnyAction = (input: unknown) => Promise<unknown>;

const root = path.resolve(import.meta.dirname, "../..");

/** Every module that declares server actions ("use server" at its top), outside tests. */
function serverActionModules(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) {
        if (name !== "node_modules" && name !== "generated") walk(full);
      } else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && /^\s*["']use server["']/.test(readFileSync(full, "utf8"))) {
        found.push(path.relative(root, full));
      }
    }
  };
  walk(path.join(root, "app"));
  walk(path.join(root, "lib"));
  return found.sort();
}

// Actions not made by defineWorkspaceAction (they act outside a workspace): export name -> table row.
const PLAIN_ACTIONS: Record<string, ServerActionName> = {
  signUpAction: "signUp",
  switchWorkspace: "switchWorkspace",
};

let database: TestDatabase;
let emulator: EmulatorHarness;
let workspaceId = "";
const members: Record<Role, string> = { viewer: "", member: "", admin: "", owner: "" };
const actions = new Map<ServerActionName, AnyAction>();
let signUps = 0;

async function connectedAccount(): Promise<string> {
  const owner: TestWorkspace = { workspaceId, userId: members.owner, actor: { userId: members.owner, label: "owner@walk.test" } };
  const seller = await emulator.createSeller("walk");
  return connectTestAccount(database.db, owner, (username, options) => emulator.consent(username, options), seller.username);
}

const OWNER_ACTOR = () => ({ userId: members.owner, label: "owner@walk.test", role: "owner" as const });
const unique = () => randomBytes(4).toString("hex");

/** A fresh member with the viewer role, for the actions that change or remove someone. */
async function viewerMembership(): Promise<string> {
  const user = await database.db.user.create({ data: { email: `extra-${unique()}@walk.test`, name: "Extra", passwordHash: "x" } });
  const membership = await database.db.membership.create({ data: { userId: user.id, workspaceId, role: "viewer" } });
  return membership.id;
}

async function invitation(input: { workspaceId: string; workspaceName: string; email: string }): Promise<{ id: string; token: string }> {
  const { createInvitation } = await import("@/lib/members/members");
  return createInvitation(database.db, { ...input, role: "member", actor: OWNER_ACTOR(), appUrl: "http://localhost:3000" });
}

async function webhookEndpointId(): Promise<string> {
  const { createWebhookEndpoint } = await import("@/lib/webhooks/endpoints");
  const endpoint = await createWebhookEndpoint(database.db, {
    workspaceId,
    url: "https://hooks.example.com/walk",
    description: "",
    events: ["account.connected"],
    actor: OWNER_ACTOR(),
  });
  return endpoint.id;
}

async function reauthLink(): Promise<{ accountId: string; id: string; token: string }> {
  const { createReauthLink } = await import("@/lib/reauth-links/reauth-links");
  const accountId = await connectedAccount();
  const link = await createReauthLink(database.db, { workspaceId, accountId, expiresInDays: 3, actor: OWNER_ACTOR() });
  return { accountId, id: link.id, token: link.token };
}

async function warningId(): Promise<string> {
  const warning = await database.db.warning.create({
    data: { workspaceId, kind: "expiring", title: "Walk", message: "m", dedupeKey: `walk:${Math.random()}` },
  });
  return warning.id;
}

// For each action, a valid input for one call by `caller` (made fresh for every call: a disconnect needs its own
// account, a password change the caller's current password).
const FIXTURES: Record<ServerActionName, (caller: Caller) => Promise<unknown>> = {
  startConnect: async () => ({}),
  startAuthNAuthConnect: async () => ({}),
  startRecreate: async () => ({ accountId: await connectedAccount() }),
  startRecreateTokens: async () => ({ accountId: await connectedAccount(), tokens: "oauth" }),
  testAccount: async () => ({ accountId: await connectedAccount() }),
  renameAccount: async () => ({ accountId: await connectedAccount(), nickname: "Walked" }),
  disconnectAccount: async () => ({ accountId: await connectedAccount() }),
  setAccountTags: async () => ({ mode: "add", accountIds: [await connectedAccount()], tags: "walk" }),
  // A token eBay refuses: the row fails, the import itself is done (and allowed).
  importAccountsCsv: async () => ({ csv: "refresh_token,nickname\nv^1.1#not-a-token,Walked\n" }),
  startCheckRun: async () => ({ scope: "accounts", accountIds: [await connectedAccount()], filterLabel: "Selected accounts" }),
  cancelCheckRun: async () => {
    const { createCheckRun } = await import("@/lib/checks/check-runs");
    const accountId = await connectedAccount();
    const run = await createCheckRun(database.db, {
      workspaceId,
      actor: { userId: members.owner, label: "owner@walk.test" },
      accountIds: [accountId],
      trigger: "manual",
      filterLabel: "Walk",
    });
    return { runId: run.runId };
  },
  saveAlertSettings: async () => ({ emailRecipients: "", warningDays: "30" }),
  createApiKey: async () => ({ name: `Walk ${unique()}`, scopes: ["accounts:read"], expiresInDays: 30 }),
  revokeApiKey: async () => {
    const { createApiKey } = await import("@/lib/api-keys/api-keys");
    const key = await createApiKey(database.db, { workspaceId, name: "Walk", scopes: ["accounts:read"], expiresInDays: null, actor: OWNER_ACTOR() });
    return { apiKeyId: key.id };
  },
  createWebhookEndpoint: async () => ({ url: "https://hooks.example.com/created", events: ["account.needs_reauth"] }),
  updateWebhookEndpoint: async () => ({ endpointId: await webhookEndpointId(), enabled: false }),
  deleteWebhookEndpoint: async () => ({ endpointId: await webhookEndpointId() }),
  redeliverWebhook: async () => {
    const { queueWebhookEvent } = await import("@/lib/webhooks/deliveries");
    const endpointId = await webhookEndpointId();
    const deliveries = await queueWebhookEvent(database.db, { workspaceId, type: "account.connected", data: { walk: true } });
    const deliveryId = (await database.db.webhookDelivery.findFirstOrThrow({ where: { id: { in: deliveries }, endpointId } })).id;
    return { deliveryId };
  },
  createReauthLink: async () => ({ accountId: await connectedAccount(), expiresInDays: 2 }),
  revokeReauthLink: async () => {
    const link = await reauthLink();
    return { accountId: link.accountId, linkId: link.id };
  },
  inviteMember: async () => ({ email: `invited-${unique()}@walk.test`, role: "member" }),
  revokeInvitation: async () => ({
    invitationId: (await invitation({ workspaceId, workspaceName: "Walk", email: `revoked-${unique()}@walk.test` })).id,
  }),
  changeMemberRole: async () => ({ membershipId: await viewerMembership(), role: "member" }),
  removeMember: async () => ({ membershipId: await viewerMembership() }),
  leaveWorkspace: async () => {
    // The last owner cannot leave: another owner stays behind. (Each caller's membership comes back afterEach.)
    const spare = await database.db.user.create({ data: { email: `spare-owner-${unique()}@walk.test`, name: "Spare", passwordHash: "x" } });
    await database.db.membership.create({ data: { userId: spare.id, workspaceId, role: "owner" } });
    return {};
  },
  markWarningRead: async () => ({ warningId: await warningId(), read: true }),
  markAllWarningsRead: async () => ({}),
  switchWorkspace: async () => {
    const form = new FormData();
    form.set("workspaceId", workspaceId);
    return form;
  },
  acceptInvitation: async (caller) => {
    // An invitation to another workspace, for the caller's own address.
    const other = await database.db.workspace.create({ data: { name: `Other ${unique()}` } });
    const email = caller === "signed-out" ? "nobody@walk.test" : `${caller}@walk.test`;
    return { token: (await invitation({ workspaceId: other.id, workspaceName: other.name, email })).token };
  },
  startReauthLinkConsent: async () => ({ token: (await reauthLink()).token }),
  signUpAndAccept: async () => ({
    token: (await invitation({ workspaceId, workspaceName: "Walk", email: `new-${unique()}@walk.test` })).token,
    name: "Newcomer",
    password: "a-long-enough-password",
  }),
  signUp: async () => {
    signUps += 1;
    return { name: "Walker", email: `walker-${signUps}@walk.test`, password: "a-long-enough-password" };
  },
  signOutEverywhere: async () => ({}),
  changePassword: async (caller) => {
    if (caller !== "signed-out") {
      const { hashPassword } = await import("@/lib/auth/password");
      await database.db.user.update({ where: { id: members[caller] }, data: { passwordHash: await hashPassword("walk-password-1") } });
    }
    return { currentPassword: "walk-password-1", newPassword: "walk-password-2" };
  },
  requestPasswordReset: async () => ({ email: "owner@walk.test" }),
  resetPassword: async () => {
    const token = randomBytes(32).toString("base64url");
    await database.db.passwordResetToken.create({
      data: { userId: members.viewer, tokenHash: createHash("sha256").update(token).digest("hex"), expiresAt: new Date(Date.now() + 600_000) },
    });
    return { token, password: "walk-password-3" };
  },
  confirmAlertRecipient: async () => {
    const token = randomBytes(32).toString("base64url");
    await database.db.alertRecipient.create({
      data: {
        workspaceId,
        email: `confirm-${randomBytes(4).toString("hex")}@walk.test`,
        confirmTokenHash: createHash("sha256").update(token).digest("hex"),
        confirmRequestedAt: new Date(),
      },
    });
    return { token };
  },
  unsubscribeAlertRecipient: async () => {
    const { unsubscribeToken } = await import("@/lib/warnings/alert-recipients");
    const recipient = await database.db.alertRecipient.create({
      data: { workspaceId, email: `unsubscribe-${randomBytes(4).toString("hex")}@walk.test`, status: "confirmed" },
    });
    return { token: unsubscribeToken(recipient.id) };
  },
};

type Outcome = "allowed" | "refused";

/** Allowed: the action did its work (ok, or Next's redirect to where it leads). Refused: the access check said no. */
async function outcomeOf(name: ServerActionName, action: AnyAction, input: unknown): Promise<Outcome> {
  let result: unknown;
  try {
    result = await action(input);
  } catch (error) {
    const digest = String((error as { digest?: unknown }).digest ?? "");
    if (!digest.startsWith("NEXT_REDIRECT")) throw error;
    return digest.includes(";/sign-in;") ? "refused" : "allowed";
  }
  const answer = result as { ok: boolean; code?: string; error?: string };
  if (answer.ok) return "allowed";
  if (answer.code === "forbidden" || answer.code === "unauthenticated") return "refused";
  if (name === "signUp" && /already signed in/.test(answer.error ?? "")) return "refused";
  throw new Error(`${name} neither did its work nor was refused by its access check: ${JSON.stringify(answer)}`);
}

function expectedOutcome(name: ServerActionName, caller: Caller): Outcome {
  const access = SERVER_ACTIONS[name].access as Record<string, unknown>;
  if ("permission" in access) return caller !== "signed-out" && can(caller, access.permission as never) ? "allowed" : "refused";
  if ("signedIn" in access) return caller === "signed-out" ? "refused" : "allowed";
  if ("signedOut" in access) return caller === "signed-out" ? "allowed" : "refused";
  return "allowed";
}

beforeAll(async () => {
  emulator = await startEmulator();
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  process.env.SIGN_UP_LIMIT_PER_IP_PER_HOUR = "1000";
  const db = database.db;
  session.version = async (userId) => (await db.user.findUniqueOrThrow({ where: { id: userId }, select: { sessionVersion: true } })).sessionVersion;
  const workspace = await db.workspace.create({ data: { name: "Walk" } });
  workspaceId = workspace.id;
  for (const role of ROLES) {
    const user = await db.user.create({ data: { email: `${role}@walk.test`, name: role, passwordHash: "x" } });
    await db.membership.create({ data: { userId: user.id, workspaceId, role } });
    members[role] = user.id;
  }
  const { describeServerAction } = await import("@/lib/actions/workspace-action");
  for (const file of serverActionModules()) {
    const module = (await import(`@/${file}`)) as Record<string, unknown>;
    for (const [exportName, value] of Object.entries(module)) {
      if (typeof value !== "function") continue;
      const described = describeServerAction(value);
      const name = described?.name ?? PLAIN_ACTIONS[exportName];
      if (!name) throw new Error(`${file} exports server action ${exportName}, which lib/actions/action-table.ts does not list`);
      if (described) expect(SERVER_ACTIONS[name].access, `${file} ${exportName}`).toEqual(described.access);
      actions.set(name, value as AnyAction);
    }
  }
}, 60_000);

// leaveWorkspace ends the caller's membership, and so would a walk that demoted someone: every role is back for the next.
afterEach(async () => {
  for (const role of ROLES) {
    await database.db.membership.upsert({
      where: { workspaceId_userId: { workspaceId, userId: members[role] } },
      create: { workspaceId, userId: members[role], role },
      update: { role },
    });
  }
});

afterAll(async () => {
  delete process.env.SIGN_UP_LIMIT_PER_IP_PER_HOUR;
  await emulator?.close();
  await database?.cleanup();
});

describe("the server action table", () => {
  it("lists every server action of the product, and only those", () => {
    expect([...actions.keys()].sort()).toEqual(Object.keys(SERVER_ACTIONS).sort());
  });

  for (const name of Object.keys(SERVER_ACTIONS) as ServerActionName[]) {
    it(`${name}: allowed exactly for ${JSON.stringify(SERVER_ACTIONS[name].access)}`, { timeout: 60_000 }, async () => {
      const action = actions.get(name);
      expect(action, `${name} is not exported by any server action module`).toBeDefined();
      const seen: Record<string, Outcome> = {};
      const expected: Record<string, Outcome> = {};
      for (const caller of CALLERS) {
        session.userId = caller === "signed-out" ? null : members[caller];
        seen[caller] = await outcomeOf(name, action!, await FIXTURES[name](caller));
        expected[caller] = expectedOutcome(name, caller);
      }
      expect(seen).toEqual(expected);
    });
  }
});
