import { withAuth } from "next-auth/middleware";
import { getNextAuthSecret } from "@/lib/auth/secret";

// Signed-out visitors of any page are sent to /sign-in (with a callbackUrl back). Pages, server
// actions and routes still check the session and workspace themselves: this guard is the first
// line, not the only one.
export default withAuth({
  pages: { signIn: "/sign-in" },
  // Read per request (same source as lib/auth/options.ts), so the embedded default secret file works.
  get secret() {
    return getNextAuthSecret();
  },
});

export const config = {
  matcher: [
    {
      // Everything except the sign-in/up pages, next-auth's own routes, the health check, the eBay
      // callback (it checks the session itself to explain what happened) and static files.
      source:
        "/((?!(?:sign-in|sign-up|api/auth|api/health|api/ebay/callback)(?:/|$)|_next/static/|_next/image|favicon\\.ico$|robots\\.txt$|.*\\.(?:svg|png|jpg|jpeg|gif|webp|ico|woff2?)$).*)",
      // Server actions answer a signed-out caller themselves ("Your session has ended"); a redirect
      // to the sign-in page would reach the action's caller as an unreadable HTML response.
      missing: [{ type: "header", key: "next-action" }],
    },
  ],
};
