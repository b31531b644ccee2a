// The browser side: GET /oauth2/authorize (OAuth consent) and /ws/eBayISAPI.dll?SignIn (Auth'n'Auth), each with
// an eBay-like sign-in page and a consent page. A sign-in cookie is reused unless prompt=login, so the
// "signed in to the wrong eBay account" problem can be reproduced and tested.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SellerConfig } from "./config";
import type { EmulatorContext } from "./context";
import { AUTHORIZE_INVALID_REQUEST } from "./ebay-errors";
import { parseCookies, redirect, sendJson, sendText, withQuery } from "./http";
import { issueAuthorizationCode } from "./oauth-token";
import { consentPage, errorPage, signInPage } from "./pages";
import { USER_SCOPES, parseScopeParameter } from "./scopes";
import type { PendingAuthorization } from "./state";
import { newOpaqueId } from "./tokens";

export const SIGN_IN_COOKIE = "ebay_emulator_signin";
const PENDING_LIFETIME_MS = 30 * 60 * 1000;
const LOCALE_PATTERN = /^[a-z]{2}([-_][A-Za-z]{2})?$/;
export const DECLINE_DESCRIPTION = "The user declined to grant access to the application.";

const OAUTH_ACTION = "/oauth2/authorize";
const AUTHNAUTH_ACTION = "/ws/eBayISAPI.dll";

function html(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  sendText(response, status, "text/html;charset=utf-8", body, { "cache-control": "no-store", ...headers });
}

function signedInSeller(context: EmulatorContext, request: IncomingMessage): SellerConfig | undefined {
  const cookie = parseCookies(request)[SIGN_IN_COOKIE];
  const userId = cookie ? context.state.signIns.get(cookie) : undefined;
  return userId ? context.state.sellersById.get(userId) : undefined;
}

function appName(ruName: string): string {
  return ruName.split("-")[0] || ruName;
}

function demoSellers(context: EmulatorContext): string[] | undefined {
  if (!context.config.showDemoHint) return undefined;
  return context.config.sellers.map((seller) => seller.username);
}

function actionFor(pending: PendingAuthorization): string {
  return pending.kind === "oauth" ? OAUTH_ACTION : AUTHNAUTH_ACTION;
}

function showSignIn(context: EmulatorContext, response: ServerResponse, pending: PendingAuthorization, error?: string, username?: string): void {
  html(response, error ? 401 : 200, signInPage({ action: actionFor(pending), requestId: pending.id, error, username, demoSellers: demoSellers(context) }));
}

function showConsent(response: ServerResponse, pending: PendingAuthorization, seller: SellerConfig, headers: Record<string, string> = {}): void {
  const scopes = pending.kind === "oauth" ? pending.scopes : ["https://api.ebay.com/oauth/api_scope"];
  html(response, 200, consentPage({ action: actionFor(pending), requestId: pending.id, appName: appName(pending.ruName), username: seller.username, scopes }), headers);
}

function startPending(context: EmulatorContext, pending: Omit<PendingAuthorization, "id" | "expiresAtMs">): PendingAuthorization {
  const nowMs = Date.now();
  // Abandoned browser flows would otherwise accumulate in a long-running demo.
  if (context.state.pendingAuthorizations.size > 10_000) {
    for (const [id, entry] of context.state.pendingAuthorizations) if (entry.expiresAtMs <= nowMs) context.state.pendingAuthorizations.delete(id);
  }
  const record: PendingAuthorization = { ...pending, id: newOpaqueId(), expiresAtMs: nowMs + PENDING_LIFETIME_MS };
  context.state.pendingAuthorizations.set(record.id, record);
  return record;
}

/** GET /oauth2/authorize */
export function handleAuthorize(context: EmulatorContext, request: IncomingMessage, response: ServerResponse, query: URLSearchParams): void {
  const clientId = query.get("client_id") ?? "";
  const ruName = query.get("redirect_uri") ?? "";
  const scopes = parseScopeParameter(query.get("scope"));
  const prompt = query.get("prompt");
  const locale = query.get("locale");
  const registered = context.ruNames.get(ruName);
  const valid =
    context.appsByClientId.has(clientId) &&
    registered?.app.clientId === clientId &&
    query.get("response_type") === "code" &&
    scopes.length > 0 &&
    scopes.every((scope) => USER_SCOPES.has(scope)) &&
    (prompt === null || prompt === "login") &&
    (locale === null || LOCALE_PATTERN.test(locale));
  if (!valid) {
    sendJson(response, 400, AUTHORIZE_INVALID_REQUEST);
    return;
  }
  const pending = startPending(context, {
    kind: "oauth",
    clientId,
    ruName,
    scopes: [...new Set(scopes)],
    state: query.get("state") ?? undefined,
    forceLogin: prompt === "login",
  });
  const seller = signedInSeller(context, request);
  if (seller && !pending.forceLogin) showConsent(response, pending, seller);
  else showSignIn(context, response, pending);
}

/** GET /ws/eBayISAPI.dll?SignIn&RuName=..&SessID=.. (Auth'n'Auth) */
export function handleAuthNAuthSignIn(context: EmulatorContext, request: IncomingMessage, response: ServerResponse, query: URLSearchParams): void {
  const ruName = query.get("RuName") ?? query.get("runame") ?? "";
  const sessionId = query.get("SessID") ?? query.get("sessid") ?? "";
  const session = context.state.sessions.get(sessionId);
  if (!query.has("SignIn") || !session || session.ruName !== ruName || context.clock.nowMs() >= session.expiresAtMs) {
    html(response, 400, errorPage("The sign-in request is invalid or has expired. Please go back to the application and try again."));
    return;
  }
  const pending = startPending(context, { kind: "authnauth", clientId: session.clientId, ruName, scopes: [], sessionId, forceLogin: false });
  const seller = signedInSeller(context, request);
  if (seller) showConsent(response, pending, seller);
  else showSignIn(context, response, pending);
}

/** POST of the sign-in and consent forms (both flows). */
export function handleAuthorizeForm(context: EmulatorContext, request: IncomingMessage, response: ServerResponse, body: string): void {
  const form = new URLSearchParams(body);
  const pending = context.state.pendingAuthorizations.get(form.get("request") ?? "");
  if (!pending || Date.now() >= pending.expiresAtMs) {
    if (pending) context.state.pendingAuthorizations.delete(pending.id);
    html(response, 400, errorPage("Your session has timed out. Please go back to the application and try again."));
    return;
  }
  const step = form.get("step");
  if (step === "signin") {
    const username = form.get("username") ?? "";
    const seller = context.state.sellerByUsername(username);
    if (!seller || seller.password !== (form.get("password") ?? "")) {
      showSignIn(context, response, pending, "Oops, that's not a match.", username);
      return;
    }
    const signInId = newOpaqueId();
    context.state.signIns.set(signInId, seller.userId);
    pending.forceLogin = false;
    showConsent(response, pending, seller, { "set-cookie": `${SIGN_IN_COOKIE}=${signInId}; Path=/; HttpOnly; SameSite=Lax` });
    return;
  }
  if (step === "switch") {
    showSignIn(context, response, pending);
    return;
  }
  const seller = signedInSeller(context, request);
  if (step !== "agree" && step !== "decline") {
    html(response, 400, errorPage("The request is invalid."));
    return;
  }
  if (!seller || pending.forceLogin) {
    showSignIn(context, response, pending);
    return;
  }
  context.state.pendingAuthorizations.delete(pending.id);
  const registered = context.ruNames.get(pending.ruName);
  if (!registered) {
    html(response, 400, errorPage("The application is no longer registered."));
    return;
  }
  if (step === "decline") {
    const params: Array<[string, string]> = [["error", "access_denied"], ["error_description", DECLINE_DESCRIPTION]];
    if (pending.state !== undefined) params.push(["state", pending.state]);
    redirect(response, pending.kind === "oauth" ? withQuery(registered.ruName.declineUrl, params) : registered.ruName.declineUrl);
    return;
  }
  if (pending.kind === "oauth") {
    redirect(
      response,
      issueAuthorizationCode(context, {
        app: registered.app,
        ruName: pending.ruName,
        acceptUrl: registered.ruName.acceptUrl,
        seller,
        scopes: pending.scopes,
        state: pending.state,
      }),
    );
    return;
  }
  const session = pending.sessionId ? context.state.sessions.get(pending.sessionId) : undefined;
  if (!session) {
    html(response, 400, errorPage("The sign-in request is invalid or has expired."));
    return;
  }
  session.userId = seller.userId;
  context.state.changed();
  // [UNCONFIRMED] the Auth'n'Auth accept redirect carries only the username; the app then calls FetchToken.
  redirect(response, withQuery(registered.ruName.acceptUrl, [["username", seller.username]]));
}
