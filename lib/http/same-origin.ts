// Route handlers that change something answer only requests made by this site's own pages. Server actions get
// this from Next.js (it compares Origin with Host); plain route handlers do not, so they ask here. Browsers send
// Sec-Fetch-Site on every request and Origin on every POST; a request carrying neither comes from a program (curl,
// a script), which cannot ride a visitor's cookies, so it is judged by its session alone.

/** The origins this site is reached at: the request's own, and NEXTAUTH_URL's (behind a proxy they may differ). */
function siteOrigins(request: Request, env: Record<string, string | undefined>): Set<string> {
  const origins = new Set<string>([new URL(request.url).origin]);
  try {
    if (env.NEXTAUTH_URL) origins.add(new URL(env.NEXTAUTH_URL).origin);
  } catch {
    // A malformed NEXTAUTH_URL is reported by next-auth; it adds no origin here.
  }
  return origins;
}

export function isSameOriginRequest(request: Request, env: Record<string, string | undefined> = process.env): boolean {
  const fetchSite = request.headers.get("sec-fetch-site");
  // "same-site" is a sibling subdomain: another application, not this one.
  if (fetchSite !== null && fetchSite !== "same-origin") return false;
  const origin = request.headers.get("origin");
  if (origin !== null && !siteOrigins(request, env).has(origin)) return false;
  return true;
}

export function crossSiteRefusal(): Response {
  return new Response("Refused: this request did not come from a ChannelKeys page.\n", {
    status: 403,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
