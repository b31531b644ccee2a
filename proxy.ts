import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import { withAuth, type NextRequestWithAuth } from "next-auth/middleware";
import { getNextAuthSecret } from "@/lib/auth/secret";
import { contentSecurityPolicy, securityHeaders, servedOverHttps } from "@/lib/http/security-headers.mjs";

// Every response but static files (next.config.mjs gives those the same headers without a nonce) passes here:
// it gets the security headers and a Content-Security-Policy with a script nonce of its own, which Next.js reads
// from the request's copy of the header and puts on every script it renders (pages are rendered per request).
//
// Signed-out visitors of any other page are sent to /sign-in (with a callbackUrl back). Pages, server actions and
// routes still check the session and workspace themselves: this guard is the first line, not the only one.

// What a signed-out visitor may reach: the sign-in/up and password reset pages, next-auth's own routes, the health
// check, the eBay callback (it checks the session itself to explain what happened), eBay's notifications (signed by
// eBay), the REST API (API keys, not sessions), invitation links (a new member signs up there), re-authorization
// links (an account's owner with no login), and the alert recipients' confirm and unsubscribe pages and one-click route
// (their links carry their own token).
const SIGNED_OUT_PATHS =
  /^\/(?:sign-in|sign-up|forgot-password|reset-password|alerts\/confirm|alerts\/unsubscribe|api\/auth|api\/health|api\/ebay\/callback|api\/ebay\/notifications|api\/v1|invitations|reauthorize|api\/alerts\/unsubscribe)(?:\/|$)/;

const signInRedirect = withAuth({
  pages: { signIn: "/sign-in" },
  // Read per request (same source as lib/auth/options.ts), so the embedded default secret file works.
  get secret() {
    return getNextAuthSecret();
  },
});

function needsSignIn(request: NextRequest): boolean {
  if (SIGNED_OUT_PATHS.test(request.nextUrl.pathname)) return false;
  // Server actions answer a signed-out caller themselves ("Your session has ended"); a redirect to the sign-in
  // page would reach the action's caller as an unreadable HTML response.
  return !request.headers.has("next-action");
}

function scriptNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes));
}

export default async function proxy(request: NextRequest, event: NextFetchEvent): Promise<Response> {
  const https = servedOverHttps(process.env.NEXTAUTH_URL);
  const policy = contentSecurityPolicy({ nonce: scriptNonce(), development: process.env.NODE_ENV === "development", https });

  // next-auth types the guard's request as NextRequestWithAuth; its `nextauth` field is only written (and read)
  // by the callback form of withAuth, which this is not.
  const redirect = needsSignIn(request) ? await signInRedirect(request as NextRequestWithAuth, event) : undefined;
  let response: Response;
  if (redirect instanceof Response) {
    response = redirect;
  } else {
    const requestHeaders = new Headers(request.headers);
    requestHeaders.set("Content-Security-Policy", policy);
    response = NextResponse.next({ request: { headers: requestHeaders } });
  }
  for (const { key, value } of securityHeaders({ https })) response.headers.set(key, value);
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  matcher: [
    // Everything except static files: build output, optimised images and files served by their extension.
    "/((?!_next/static/|_next/image|favicon\\.ico$|robots\\.txt$|.*\\.(?:svg|png|jpg|jpeg|gif|webp|ico|woff2?)$).*)",
  ],
};
