/**
 * Where to go after signing in: only a path on this site. Anything else (another origin,
 * protocol-relative "//evil", backslash tricks) falls back, so the sign-in page is no open redirect.
 */
export function safeCallbackPath(value: unknown, fallback = "/accounts"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || value.includes("\\")) return fallback;
  // A full URL of this site's auth pages would just loop.
  if (/^\/(sign-in|sign-up)(?:[/?#]|$)/.test(value)) return fallback;
  try {
    const parsed = new URL(value, "http://channelkeys.invalid");
    if (parsed.origin !== "http://channelkeys.invalid") return fallback;
    const path = `${parsed.pathname}${parsed.search}${parsed.hash}`;
    // Normalising dot segments can itself produce "//host" ("/.//evil.com" -> "//evil.com"): check
    // what is returned, not only what came in.
    if (path.startsWith("//") || path.includes("\\")) return fallback;
    if (/^\/(sign-in|sign-up)(?:[/?#]|$)/.test(path)) return fallback;
    return path;
  } catch {
    return fallback;
  }
}
