import type { NextRequest } from "next/server";
import { getSessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { can, isRole } from "@/lib/auth/roles";
import { recordAuditEvent } from "@/lib/audit/record";
import { consumeOAuthState, consumeReauthLinkState, isReauthLinkState, type OAuthStateRecord } from "@/lib/accounts/oauth-state";
import { completeReauthLink, type ReauthLinkOutcome } from "@/lib/reauth-links/reauth-links";
import { completeOAuth } from "@/lib/accounts/complete-oauth";
import { completeAuthNAuth } from "@/lib/accounts/complete-authnauth";
import {
  AUTHNAUTH_STATE_COOKIE,
  clearedAuthNAuthStateCookie,
  serializeCookie,
  startAuthNAuthSignIn,
} from "@/lib/accounts/authnauth-signin";
import { describeOAuthFailure } from "@/lib/accounts/oauth-failure";
import { noticeUrl } from "@/lib/accounts/notices";
import { logUnexpectedError } from "@/lib/actions/log-unexpected-error";

export const dynamic = "force-dynamic";

type Actor = { userId: string; label: string };

function redirectTo(url: URL | string, setCookie?: string): Response {
  const headers = new Headers({ Location: url.toString() });
  if (setCookie) headers.append("Set-Cookie", setCookie);
  return new Response(null, { status: 303, headers });
}

// eBay redirects the seller's browser here (the RuName's accept and decline URLs) after consent: the OAuth consent
// page (?state=..&code=.. or a decline) and the legacy Auth'n'Auth sign-in (?username=.. on agree, nothing on a
// decline; its state is in a cookie of ours). The route is public: it trusts nothing but the session and the
// single-use state it issued.
export async function GET(request: NextRequest) {
  const params = request.nextUrl.searchParams;
  // A re-authorization link's consent: its visitor has no ChannelKeys login, the single-use state stands for the link.
  const stateParam = params.get("state");
  if (stateParam && (await isReauthLinkState(db, stateParam))) {
    const consumed = await consumeReauthLinkState(db, stateParam);
    const outcome: ReauthLinkOutcome = consumed.ok
      ? await completeReauthLink(db, { state: consumed.record, code: params.get("code"), ebayError: params.get("error") })
      : { kind: "failed", code: `state_${consumed.reason}` };
    return Response.redirect(reauthLinkResultUrl(request.url, outcome), 303);
  }
  // The session as every page sees it: an ended session (sign out everywhere, password change) is signed out here too.
  const user = await getSessionUser();
  const userId = user?.id;
  if (!user || !userId) {
    const signIn = new URL("/sign-in", request.url);
    signIn.searchParams.set("callbackUrl", request.nextUrl.pathname + request.nextUrl.search);
    return Response.redirect(signIn, 303);
  }
  const actor = { userId, label: user.email };
  const code = params.get("code");
  const ebayError = params.get("error");
  // Integrators see eBay's default landing page report a decline as isAuthSuccessful=false, with no error and no state.
  const declinedWithoutDetail = params.get("isAuthSuccessful") === "false";
  const pendingAuthNAuth = request.cookies.get(AUTHNAUTH_STATE_COOKIE)?.value;

  if (stateParam === null && code === null && ebayError === null && !declinedWithoutDetail && (params.has("username") || pendingAuthNAuth)) {
    return authNAuthReturn(request, actor, pendingAuthNAuth ?? null);
  }

  if (stateParam === null && code === null) {
    // A decline that came back without our state (no error either, or isAuthSuccessful=false): there is nothing to
    // finish and nothing was changed, so it is the seller's "not now", not a broken sign-in. Nothing is written: any
    // site can send a signed-in browser to this URL.
    return redirectTo(noticeUrl(request.url, { error: ebayError === "invalid_scope" ? "scope_invalid" : "declined" }));
  }

  const consumed = await consumeOAuthState(db, stateParam, userId);
  if (!consumed.ok || consumed.record.flow !== "oauth") return stateRejected(request, actor, consumed.ok ? { ok: false, reason: "unknown", record: consumed.record } : consumed);

  const state = consumed.record;
  const stillAllowed = await hasPermission(state, userId);
  if (!stillAllowed) return redirectTo(noticeUrl(request.url, { error: "state_unknown" }));
  const back = state.intent === "recreate" && state.accountId ? `/accounts/${state.accountId}` : "/accounts";

  if (ebayError || !code) {
    await recordAuditEvent(db, {
      workspaceId: state.workspaceId,
      actorUserId: userId,
      actorLabel: actor.label,
      accountId: state.accountId,
      action: "oauth_declined",
      outcome: "refused",
      detail:
        ebayError === "invalid_scope"
          ? "eBay refused the requested permissions (invalid_scope)."
          : ebayError === "access_denied" || !ebayError
            ? "Consent was declined on eBay."
            : "eBay returned an error instead of consent.",
    });
    return redirectTo(noticeUrl(request.url, { error: ebayError === "invalid_scope" ? "scope_invalid" : "declined" }, back));
  }

  try {
    const result = await completeOAuth(db, { state, code, actor });
    switch (result.kind) {
      case "connected":
        return redirectTo(noticeUrl(request.url, { notice: result.reconnected ? "reconnected" : "connected", account: result.accountName }));
      case "recreated":
        if (result.bothTokens) return continueWithAuthNAuth(request, actor, state, result, back);
        return redirectTo(noticeUrl(request.url, { notice: "recreated", account: result.accountName }, back));
      case "wrong_account":
        return redirectTo(noticeUrl(request.url, { error: "wrong_account", account: result.accountName, signedInAs: result.signedInAs }, back));
      case "account_gone":
        return redirectTo(noticeUrl(request.url, { error: "account_gone" }));
    }
  } catch (error) {
    return failed(request, actor, state, back, error);
  }
}

/**
 * Re-creating both tokens: the OAuth half is done, so the browser goes straight on to eBay's Auth'n'Auth sign-in (the
 * seller is still signed in there and only agrees), instead of a second trip from the account page.
 */
async function continueWithAuthNAuth(
  request: NextRequest,
  actor: Actor,
  state: OAuthStateRecord,
  result: { accountId: string; accountName: string },
  back: string,
): Promise<Response> {
  try {
    // The signed-in seller who started the re-create (a re-authorization link's consent never asks for both).
    const { signInUrl, cookie } = await startAuthNAuthSignIn(db, {
      workspaceId: state.workspaceId,
      userId: actor.userId,
      intent: "recreate",
      accountId: result.accountId,
      bothTokens: true,
    });
    return redirectTo(signInUrl, serializeCookie(cookie));
  } catch (error) {
    const failure = describeOAuthFailure(error);
    if (failure.unexpected) logUnexpectedError(`eBay callback, Auth'n'Auth step (${failure.code})`, error);
    return redirectTo(noticeUrl(request.url, { error: "oauth_only_recreated", account: result.accountName }, back));
  }
}

/** The seller is back from eBay's Auth'n'Auth sign-in: ?username=.. when they agreed, nothing when they declined. */
async function authNAuthReturn(request: NextRequest, actor: Actor, pendingState: string | null): Promise<Response> {
  const cleared = clearedAuthNAuthStateCookie();
  const consumed = await consumeOAuthState(db, pendingState, actor.userId);
  if (!consumed.ok || consumed.record.flow !== "authnauth") {
    return stateRejected(request, actor, consumed.ok ? { ok: false, reason: "unknown", record: consumed.record } : consumed, cleared);
  }
  const state = consumed.record;
  if (!(await hasPermission(state, actor.userId))) return redirectTo(noticeUrl(request.url, { error: "state_unknown" }), cleared);
  const back = state.intent === "recreate" && state.accountId ? `/accounts/${state.accountId}` : "/accounts";

  if (!request.nextUrl.searchParams.get("username")) {
    await recordAuditEvent(db, {
      workspaceId: state.workspaceId,
      actorUserId: actor.userId,
      actorLabel: actor.label,
      accountId: state.accountId,
      action: "oauth_declined",
      outcome: "refused",
      detail: "The Auth'n'Auth sign-in was declined on eBay.",
    });
    return redirectTo(noticeUrl(request.url, { error: state.bothTokens ? "declined_authnauth" : "declined" }, back), cleared);
  }

  try {
    const result = await completeAuthNAuth(db, { state, actor });
    switch (result.kind) {
      case "connected":
        return redirectTo(noticeUrl(request.url, { notice: result.reconnected ? "authnauth_added" : "connected_authnauth", account: result.accountName }), cleared);
      case "recreated":
        return redirectTo(noticeUrl(request.url, { notice: state.bothTokens ? "recreated_both" : "recreated_authnauth", account: result.accountName }, back), cleared);
      case "wrong_account":
        return redirectTo(noticeUrl(request.url, { error: "wrong_account", account: result.accountName, signedInAs: result.signedInAs }, back), cleared);
      case "account_gone":
        return redirectTo(noticeUrl(request.url, { error: "account_gone" }), cleared);
    }
  } catch (error) {
    return failed(request, actor, state, back, error, cleared);
  }
}

async function stateRejected(
  request: NextRequest,
  actor: Actor,
  consumed: { ok: false; reason: string; record?: OAuthStateRecord },
  setCookie?: string,
): Promise<Response> {
  // Any site can send a signed-in browser here. A refusal is written only for a state this user was issued (used
  // twice, or too old), which no other site can know; a missing or made-up state writes nothing.
  if (consumed.record && consumed.reason !== "other_user") {
    await recordAuditEvent(db, {
      workspaceId: consumed.record.workspaceId,
      actorUserId: actor.userId,
      actorLabel: actor.label,
      accountId: consumed.record?.accountId ?? null,
      action: request.nextUrl.searchParams.get("error") ? "oauth_declined" : "oauth_state_rejected",
      outcome: "refused",
      detail: `eBay sign-in could not be completed: the request was ${consumed.reason === "reused" ? "already used" : consumed.reason === "expired" ? "older than 10 minutes" : "not one ChannelKeys started"}.`,
    });
  }
  return redirectTo(noticeUrl(request.url, { error: `state_${consumed.reason}` }), setCookie);
}

async function failed(request: NextRequest, actor: Actor, state: OAuthStateRecord, back: string, error: unknown, setCookie?: string): Promise<Response> {
  const failure = describeOAuthFailure(error);
  if (failure.unexpected) logUnexpectedError(`eBay callback (${failure.code})`, error);
  await recordAuditEvent(db, {
    workspaceId: state.workspaceId,
    actorUserId: actor.userId,
    actorLabel: actor.label,
    accountId: state.accountId,
    action: state.intent === "recreate" ? "account_recreate_failed" : "account_connect_failed",
    outcome: "failure",
    detail: failure.message,
  });
  return redirectTo(noticeUrl(request.url, { error: failure.code }, back), setCookie);
}


async function hasPermission(state: OAuthStateRecord, userId: string): Promise<boolean> {
  const membership = await db.membership.findFirst({ where: { workspaceId: state.workspaceId, userId } });
  if (!membership || !isRole(membership.role)) return false;
  return can(membership.role, state.intent === "recreate" ? "accounts:recreate" : "accounts:connect");
}

/** The signed-out result page: the outcome and the account's name, nothing about the workspace. */
function reauthLinkResultUrl(requestUrl: string, outcome: ReauthLinkOutcome): URL {
  const url = new URL("/reauthorize/done", requestUrl);
  url.searchParams.set("outcome", outcome.kind);
  if (outcome.kind === "recreated" || outcome.kind === "wrong_account") url.searchParams.set("account", outcome.accountName);
  if (outcome.kind === "wrong_account") url.searchParams.set("signedInAs", outcome.signedInAs);
  if (outcome.kind === "link_closed") url.searchParams.set("reason", outcome.reason);
  return url;
}
