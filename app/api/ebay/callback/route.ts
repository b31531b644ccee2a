import type { NextRequest } from "next/server";
import { getSessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { can, isRole } from "@/lib/auth/roles";
import { recordAuditEvent } from "@/lib/audit/record";
import { consumeOAuthState, type OAuthStateRecord } from "@/lib/accounts/oauth-state";
import { completeOAuth } from "@/lib/accounts/complete-oauth";
import { describeOAuthFailure } from "@/lib/accounts/oauth-failure";
import { noticeUrl } from "@/lib/accounts/notices";
import { logUnexpectedError } from "@/lib/actions/log-unexpected-error";

export const dynamic = "force-dynamic";

// eBay redirects the seller's browser here (the RuName's accept and decline URLs) after consent.
// The route is public: it trusts nothing but the session and the single-use state it issued.
export async function GET(request: NextRequest) {
  const params = request.nextUrl.searchParams;
  // The session as every page sees it: an ended session (sign out everywhere, password change) is signed out here too.
  const user = await getSessionUser();
  const userId = user?.id;
  if (!user || !userId) {
    const signIn = new URL("/sign-in", request.url);
    signIn.searchParams.set("callbackUrl", request.nextUrl.pathname + request.nextUrl.search);
    return Response.redirect(signIn, 303);
  }
  const actor = { userId, label: user.email };

  const consumed = await consumeOAuthState(db, params.get("state"), userId);
  if (!consumed.ok) {
    // Any site can send a signed-in browser here. A refusal is written only for a state this user was issued
    // (used twice, or too old), which no other site can know; a missing or made-up state writes nothing.
    if (consumed.record && consumed.reason !== "other_user") {
      await recordAuditEvent(db, {
        workspaceId: consumed.record.workspaceId,
        actorUserId: userId,
        actorLabel: actor.label,
        accountId: consumed.record?.accountId ?? null,
        action: params.get("error") ? "oauth_declined" : "oauth_state_rejected",
        outcome: "refused",
        detail: `eBay sign-in could not be completed: the request was ${consumed.reason === "reused" ? "already used" : "older than 10 minutes"}.`,
      });
    }
    return Response.redirect(noticeUrl(request.url, { error: `state_${consumed.reason}` }), 303);
  }

  const state = consumed.record;
  const stillAllowed = await hasPermission(state, userId);
  if (!stillAllowed) return Response.redirect(noticeUrl(request.url, { error: "state_unknown" }), 303);
  const back = state.intent === "recreate" && state.accountId ? `/accounts/${state.accountId}` : "/accounts";

  const ebayError = params.get("error");
  const code = params.get("code");
  if (ebayError || !code) {
    await recordAuditEvent(db, {
      workspaceId: state.workspaceId,
      actorUserId: userId,
      actorLabel: actor.label,
      accountId: state.accountId,
      action: "oauth_declined",
      outcome: "refused",
      detail: ebayError === "access_denied" || !ebayError ? "Consent was declined on eBay." : "eBay returned an error instead of consent.",
    });
    return Response.redirect(noticeUrl(request.url, { error: "declined" }, back), 303);
  }

  try {
    const result = await completeOAuth(db, { state, code, actor });
    switch (result.kind) {
      case "connected":
        return Response.redirect(
          noticeUrl(request.url, { notice: result.reconnected ? "reconnected" : "connected", account: result.accountName }),
          303,
        );
      case "recreated":
        return Response.redirect(noticeUrl(request.url, { notice: "recreated", account: result.accountName }, back), 303);
      case "wrong_account":
        return Response.redirect(
          noticeUrl(request.url, { error: "wrong_account", account: result.accountName, signedInAs: result.signedInAs }, back),
          303,
        );
      case "account_gone":
        return Response.redirect(noticeUrl(request.url, { error: "account_gone" }), 303);
    }
  } catch (error) {
    const failure = describeOAuthFailure(error);
    if (failure.unexpected) logUnexpectedError(`eBay callback (${failure.code})`, error);
    await recordAuditEvent(db, {
      workspaceId: state.workspaceId,
      actorUserId: userId,
      actorLabel: actor.label,
      accountId: state.accountId,
      action: state.intent === "recreate" ? "account_recreate_failed" : "account_connect_failed",
      outcome: "failure",
      detail: failure.message,
    });
    return Response.redirect(noticeUrl(request.url, { error: failure.code }, back), 303);
  }
}

async function hasPermission(state: OAuthStateRecord, userId: string): Promise<boolean> {
  const membership = await db.membership.findFirst({ where: { workspaceId: state.workspaceId, userId } });
  if (!membership || !isRole(membership.role)) return false;
  return can(membership.role, state.intent === "recreate" ? "accounts:recreate" : "accounts:connect");
}
