import "server-only";
// Re-authorization links: an admin hands one account's owner (an agency's client, with no ChannelKeys login) a link
// that lets them consent again for that one account. Only the SHA-256 of the link's token is stored; a link is single
// use (usedAt, claimed by compare-and-set when eBay sends the consent back), revocable, and valid at most 7 days.
// The consent is eBay's with prompt=login, and the wrong-account guard of a re-create applies: a consent from another
// eBay user changes nothing and leaves the link usable. The visitor's page names the account and nothing else.
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "@/lib/db";
import { now } from "@/lib/clock";
import { recordAuditEvent } from "@/lib/audit/record";
import { accountDisplayName } from "@/lib/accounts/account-name";
import { createOAuthState, type OAuthStateRecord } from "@/lib/accounts/oauth-state";
import { completeOAuth } from "@/lib/accounts/complete-oauth";
import { describeOAuthFailure } from "@/lib/accounts/oauth-failure";
import { buildAuthorizeUrl } from "@/lib/ebay/oauth";
import { getEbayConfig } from "@/lib/ebay/config";
import { UserFacingError } from "@/lib/actions/user-facing-error";
import { logUnexpectedError } from "@/lib/actions/log-unexpected-error";
import type { Actor } from "@/lib/accounts/test-account";

export const MAX_REAUTH_LINK_DAYS = 7;

export function hashLinkToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function reauthLinkPath(token: string): string {
  return `/reauthorize/${token}`;
}

export async function createReauthLink(
  db: Db,
  input: { workspaceId: string; accountId: string; expiresInDays: number; actor: Actor },
): Promise<{ id: string; token: string; expiresAt: Date }> {
  if (!Number.isInteger(input.expiresInDays) || input.expiresInDays < 1 || input.expiresInDays > MAX_REAUTH_LINK_DAYS) {
    throw new UserFacingError(`A link is valid for 1 to ${MAX_REAUTH_LINK_DAYS} days.`, "invalid_input");
  }
  const account = await db.ebayAccount.findFirst({
    where: { id: input.accountId, workspaceId: input.workspaceId },
    select: { id: true, status: true, environment: true, nickname: true, ebayUsername: true, ebayUserId: true },
  });
  if (!account) throw new UserFacingError("That eBay account was not found in this workspace.", "not_found");
  if (account.status === "disconnected") throw new UserFacingError("This account is disconnected: connect it again instead.", "disconnected");
  const config = getEbayConfig();
  if (account.environment !== config.mode) {
    throw new UserFacingError(`This account belongs to ${account.environment} eBay, but ChannelKeys is configured for ${config.label}.`, "wrong_environment");
  }
  const token = randomBytes(32).toString("base64url");
  const at = now();
  const expiresAt = new Date(at.getTime() + input.expiresInDays * 86_400_000);
  const link = await db.$transaction(async (transaction) => {
    const created = await transaction.reauthLink.create({
      data: {
        workspaceId: input.workspaceId,
        accountId: account.id,
        tokenHash: hashLinkToken(token),
        createdById: input.actor.userId,
        createdByLabel: input.actor.label,
        expiresAt,
        createdAt: at,
      },
      select: { id: true },
    });
    await recordAuditEvent(transaction, {
      workspaceId: input.workspaceId,
      actorUserId: input.actor.userId,
      actorLabel: input.actor.label,
      accountId: account.id,
      accountName: accountDisplayName(account),
      action: "reauth_link_create",
      outcome: "success",
      detail: `Re-authorization link created, valid until ${expiresAt.toISOString()}.`,
      changes: { reauthLink: [null, { id: created.id, expiresAt: expiresAt.toISOString() }] },
    });
    return created;
  });
  return { id: link.id, token, expiresAt };
}

export async function revokeReauthLink(db: Db, input: { workspaceId: string; linkId: string; actor: Actor }): Promise<boolean> {
  const link = await db.reauthLink.findFirst({
    where: { id: input.linkId, workspaceId: input.workspaceId },
    select: { id: true, revokedAt: true, usedAt: true, account: { select: { id: true, nickname: true, ebayUsername: true, ebayUserId: true } } },
  });
  if (!link) return false;
  if (link.revokedAt || link.usedAt) return true;
  const at = now();
  await db.$transaction(async (transaction) => {
    const revoked = await transaction.reauthLink.updateMany({
      where: { id: link.id, workspaceId: input.workspaceId, revokedAt: null, usedAt: null },
      data: { revokedAt: at },
    });
    if (revoked.count !== 1) return;
    await recordAuditEvent(transaction, {
      workspaceId: input.workspaceId,
      actorUserId: input.actor.userId,
      actorLabel: input.actor.label,
      accountId: link.account.id,
      accountName: accountDisplayName(link.account),
      action: "reauth_link_revoke",
      outcome: "success",
      detail: "Re-authorization link revoked.",
      changes: { revokedAt: [null, at.toISOString()] },
    });
  });
  return true;
}

export type ReauthLinkRejection = "unknown" | "expired" | "used" | "revoked" | "disconnected";

export type OpenReauthLink = { id: string; workspaceId: string; accountId: string; accountName: string; ebayUsername: string | null; environment: string; expiresAt: Date };

/** What the signed-out page may show about a link: the account's name, or why the link opens nothing. */
export async function findOpenReauthLink(db: Db, token: string): Promise<{ ok: true; link: OpenReauthLink } | { ok: false; reason: ReauthLinkRejection }> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { ok: false, reason: "unknown" };
  const link = await db.reauthLink.findUnique({
    where: { tokenHash: hashLinkToken(token) },
    select: {
      id: true,
      workspaceId: true,
      expiresAt: true,
      usedAt: true,
      revokedAt: true,
      account: { select: { id: true, nickname: true, ebayUsername: true, ebayUserId: true, environment: true, status: true } },
    },
  });
  if (!link) return { ok: false, reason: "unknown" };
  if (link.revokedAt) return { ok: false, reason: "revoked" };
  if (link.usedAt) return { ok: false, reason: "used" };
  if (link.expiresAt.getTime() <= now().getTime()) return { ok: false, reason: "expired" };
  if (link.account.status === "disconnected") return { ok: false, reason: "disconnected" };
  return {
    ok: true,
    link: {
      id: link.id,
      workspaceId: link.workspaceId,
      accountId: link.account.id,
      accountName: accountDisplayName(link.account),
      ebayUsername: link.account.ebayUsername,
      environment: link.account.environment,
      expiresAt: link.expiresAt,
    },
  };
}

/** Starts eBay consent (prompt=login) for an open link; the state carries the link, not a user. */
export async function startReauthLinkConsent(db: Db, token: string): Promise<{ ok: true; authorizeUrl: string } | { ok: false; reason: ReauthLinkRejection }> {
  const found = await findOpenReauthLink(db, token);
  if (!found.ok) return found;
  const config = getEbayConfig();
  const state = await createOAuthState(db, {
    workspaceId: found.link.workspaceId,
    reauthLinkId: found.link.id,
    intent: "reauth_link",
    accountId: found.link.accountId,
    environment: config.mode,
  });
  return { ok: true, authorizeUrl: buildAuthorizeUrl({ state, prompt: "login" }, config) };
}

export type ReauthLinkOutcome =
  | { kind: "recreated"; accountName: string }
  | { kind: "wrong_account"; accountName: string; signedInAs: string }
  | { kind: "declined" }
  | { kind: "link_closed"; reason: ReauthLinkRejection }
  | { kind: "failed"; code: string };

/**
 * eBay sent the visitor back. The link is claimed first (compare-and-set on usedAt), so two tabs finishing at once
 * re-create once; a consent that changed nothing (another eBay user, eBay failing) hands the claim back.
 */
export async function completeReauthLink(db: Db, input: { state: OAuthStateRecord; code: string | null; ebayError: string | null }): Promise<ReauthLinkOutcome> {
  const { state } = input;
  if (!state.reauthLinkId || !state.accountId) return { kind: "link_closed", reason: "unknown" };
  const link = await db.reauthLink.findFirst({
    where: { id: state.reauthLinkId, workspaceId: state.workspaceId },
    select: { id: true, createdByLabel: true, account: { select: { id: true, nickname: true, ebayUsername: true, ebayUserId: true } } },
  });
  if (!link) return { kind: "link_closed", reason: "unknown" };
  const accountName = accountDisplayName(link.account);
  const actor = { userId: null, label: `Re-authorization link (from ${link.createdByLabel})` };
  const audit = (outcome: "success" | "refused" | "failure", detail: string) =>
    recordAuditEvent(db, {
      workspaceId: state.workspaceId,
      actorLabel: actor.label,
      accountId: link.account.id,
      accountName,
      action: "reauth_link_use",
      outcome,
      detail,
    });
  if (input.ebayError || !input.code) {
    await audit("refused", "The account's owner declined consent on eBay; the link can still be used.");
    return { kind: "declined" };
  }
  const at = now();
  const claimed = await db.reauthLink.updateMany({
    where: { id: link.id, usedAt: null, revokedAt: null, expiresAt: { gt: at } },
    data: { usedAt: at },
  });
  if (claimed.count !== 1) {
    const found = await db.reauthLink.findUnique({ where: { id: link.id }, select: { usedAt: true, revokedAt: true } });
    return { kind: "link_closed", reason: found?.revokedAt ? "revoked" : found?.usedAt ? "used" : "expired" };
  }
  const release = (outcome: string, detail: string) =>
    db.reauthLink.updateMany({ where: { id: link.id, usedAt: at }, data: { usedAt: null, outcome, outcomeDetail: detail } });
  try {
    const result = await completeOAuth(db, {
      state: { ...state, intent: "recreate" },
      code: input.code,
      actor,
    });
    if (result.kind === "recreated") {
      await db.reauthLink.updateMany({ where: { id: link.id }, data: { outcome: "recreated", outcomeDetail: "Token re-created." } });
      await audit("success", "The account's owner consented through the link: token re-created.");
      return { kind: "recreated", accountName: result.accountName };
    }
    if (result.kind === "wrong_account") {
      const detail = `Consent came from eBay user ${result.signedInAs}, not ${accountName}; nothing was changed and the link can still be used.`;
      await release("wrong_account", detail);
      await audit("refused", detail);
      return { kind: "wrong_account", accountName, signedInAs: result.signedInAs };
    }
    await release("failed", "The account is no longer connected.");
    return { kind: "link_closed", reason: "disconnected" };
  } catch (error) {
    const failure = describeOAuthFailure(error);
    if (failure.unexpected) logUnexpectedError(`re-authorization link (${failure.code})`, error);
    await release("failed", failure.message);
    await audit("failure", failure.message);
    return { kind: "failed", code: failure.code };
  }
}

export type ReauthLinkView = {
  id: string;
  createdAt: string;
  createdByLabel: string;
  expiresAt: string;
  usedAt: string | null;
  revokedAt: string | null;
  outcome: string | null;
  outcomeDetail: string | null;
  state: "open" | "used" | "revoked" | "expired";
};

export async function listReauthLinks(db: Db, input: { workspaceId: string; accountId: string }): Promise<ReauthLinkView[]> {
  const rows = await db.reauthLink.findMany({
    where: { workspaceId: input.workspaceId, accountId: input.accountId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 20,
  });
  const at = now().getTime();
  return rows.map((row) => ({
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    createdByLabel: row.createdByLabel,
    expiresAt: row.expiresAt.toISOString(),
    usedAt: row.usedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    outcome: row.outcome,
    outcomeDetail: row.outcomeDetail,
    state: row.usedAt ? "used" : row.revokedAt ? "revoked" : row.expiresAt.getTime() <= at ? "expired" : "open",
  }));
}
