import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "@/lib/db";
import { now } from "@/lib/clock";

// The state parameter travels through the seller's browser and eBay; only its hash is stored,
// so a leaked database cannot be used to complete someone else's consent.
const STATE_LIFETIME_MS = 10 * 60 * 1000;

export type OAuthIntent = "connect" | "recreate" | "reauth_link";
/** oauth: eBay's consent page, which returns our state. authnauth: the legacy sign-in, which returns none. */
export type ConsentFlow = "oauth" | "authnauth";

export type OAuthStateRecord = {
  id: string;
  workspaceId: string;
  /** Null for a re-authorization link's consent (started signed out; the link stands for the user). */
  userId: string | null;
  reauthLinkId: string | null;
  flow: ConsentFlow;
  intent: OAuthIntent;
  accountId: string | null;
  environment: string;
  /** Auth'n'Auth: the SessionID FetchToken turns into the token once the seller agreed. */
  authNAuthSessionId: string | null;
  /** After this OAuth consent, go straight on to the account's Auth'n'Auth token (one pass for both). */
  bothTokens: boolean;
};

/** What every consent flow may carry besides who started it. */
type ConsentOptions = { flow?: ConsentFlow; authNAuthSessionId?: string; bothTokens?: boolean };

export type OAuthStateRejection = "missing" | "unknown" | "expired" | "reused" | "other_user";

export function hashOAuthState(state: string): string {
  return createHash("sha256").update(state).digest("hex");
}

export async function createOAuthState(
  client: Db,
  input:
    | ({ workspaceId: string; userId: string; intent: "connect" | "recreate"; accountId?: string; environment: string } & ConsentOptions)
    | ({ workspaceId: string; reauthLinkId: string; intent: "reauth_link"; accountId: string; environment: string } & ConsentOptions),
): Promise<string> {
  const state = randomBytes(32).toString("base64url");
  await client.oAuthState.create({
    data: {
      stateHash: hashOAuthState(state),
      workspaceId: input.workspaceId,
      userId: input.intent === "reauth_link" ? null : input.userId,
      reauthLinkId: input.intent === "reauth_link" ? input.reauthLinkId : null,
      intent: input.intent,
      accountId: input.accountId ?? null,
      environment: input.environment,
      flow: input.flow ?? "oauth",
      authNAuthSessionId: input.authNAuthSessionId ?? null,
      bothTokens: input.bothTokens ?? false,
      expiresAt: new Date(now().getTime() + STATE_LIFETIME_MS),
    },
  });
  return state;
}

/**
 * Single use: the consuming UPDATE only matches an unconsumed, unexpired state of this user,
 * so two callbacks racing with the same state cannot both succeed.
 */
export async function consumeOAuthState(
  client: Db,
  state: string | null,
  userId: string,
): Promise<{ ok: true; record: OAuthStateRecord } | { ok: false; reason: OAuthStateRejection; record?: OAuthStateRecord }> {
  if (!state) return { ok: false, reason: "missing" };
  const stateHash = hashOAuthState(state);
  const at = now();
  const claimed = await client.oAuthState.updateMany({
    where: { stateHash, userId, intent: { not: "reauth_link" }, consumedAt: null, expiresAt: { gt: at } },
    data: { consumedAt: at },
  });
  const row = await client.oAuthState.findUnique({ where: { stateHash }, omit: { authNAuthSessionId: false } });
  if (!row) return { ok: false, reason: "unknown" };
  const record = toRecord(row);
  if (claimed.count === 1) return { ok: true, record };
  if (row.userId !== userId) return { ok: false, reason: "other_user" };
  if (row.consumedAt) return { ok: false, reason: "reused", record };
  return { ok: false, reason: "expired", record };
}

export async function deleteExpiredOAuthStates(client: Db): Promise<number> {
  const cutoff = new Date(now().getTime() - 24 * 60 * 60 * 1000);
  const { count } = await client.oAuthState.deleteMany({ where: { expiresAt: { lt: cutoff } } });
  return count;
}

type OAuthStateRow = {
  id: string;
  workspaceId: string;
  userId: string | null;
  reauthLinkId: string | null;
  intent: string;
  flow: string;
  accountId: string | null;
  environment: string;
  authNAuthSessionId: string | null;
  bothTokens: boolean;
};

function toRecord(row: OAuthStateRow): OAuthStateRecord {
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    userId: row.userId,
    reauthLinkId: row.reauthLinkId,
    intent: row.intent as OAuthIntent,
    flow: row.flow === "authnauth" ? "authnauth" : "oauth",
    accountId: row.accountId,
    environment: row.environment,
    authNAuthSessionId: row.authNAuthSessionId,
    bothTokens: row.bothTokens,
  };
}

/** Whether a state belongs to a re-authorization link (the callback then needs no session). */
export async function isReauthLinkState(client: Db, state: string | null): Promise<boolean> {
  if (!state) return false;
  const row = await client.oAuthState.findUnique({ where: { stateHash: hashOAuthState(state) }, select: { intent: true } });
  return row?.intent === "reauth_link";
}

/** Single use, like consumeOAuthState, for a re-authorization link's consent: whoever holds the state is its user. */
export async function consumeReauthLinkState(
  client: Db,
  state: string,
): Promise<{ ok: true; record: OAuthStateRecord } | { ok: false; reason: OAuthStateRejection }> {
  const stateHash = hashOAuthState(state);
  const at = now();
  const claimed = await client.oAuthState.updateMany({
    where: { stateHash, intent: "reauth_link", consumedAt: null, expiresAt: { gt: at } },
    data: { consumedAt: at },
  });
  const row = await client.oAuthState.findUnique({ where: { stateHash }, omit: { authNAuthSessionId: false } });
  if (!row || row.intent !== "reauth_link") return { ok: false, reason: "unknown" };
  if (claimed.count === 1) return { ok: true, record: toRecord(row) };
  return { ok: false, reason: row.consumedAt ? "reused" : "expired" };
}
