// @ts-check
// The security headers of every response. Plain JavaScript because next.config.mjs, which Node loads without a
// TypeScript step, applies them to the responses proxy.ts never sees (static files and images); proxy.ts applies
// them to everything else, with a script nonce of its own per request. Types: security-headers.d.mts.

// Browser features this dashboard never uses, denied to it and to anything embedded in it.
const DENIED_FEATURES = [
  "accelerometer",
  "camera",
  "display-capture",
  "geolocation",
  "gyroscope",
  "hid",
  "magnetometer",
  "microphone",
  "midi",
  "payment",
  "serial",
  "usb",
];

/**
 * True when the dashboard's public URL (NEXTAUTH_URL) is https: only then may browsers be told to insist on it.
 * @param {string | undefined} publicUrl
 */
export function servedOverHttps(publicUrl) {
  return /^https:\/\//i.test(publicUrl ?? "");
}

/**
 * The Content-Security-Policy. With a nonce (pages, through proxy.ts) a script runs only if it carries this
 * response's nonce or was loaded by one that does ('strict-dynamic'); without one (static files) only scripts
 * from this origin, never inline ones.
 * @param {{ nonce?: string; development: boolean; https: boolean }} options
 */
export function contentSecurityPolicy({ nonce, development, https }) {
  // React's development build evaluates code for its debugging aids (server error stacks in the browser).
  const devEval = development ? " 'unsafe-eval'" : "";
  const directives = [
    "default-src 'self'",
    nonce ? `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${devEval}` : `script-src 'self'${devEval}`,
    // Next.js puts the nonce on the style elements it writes; the development overlay writes its own.
    development ? "style-src 'self' 'unsafe-inline'" : nonce ? `style-src 'self' 'nonce-${nonce}'` : "style-src 'self'",
    // Server-rendered style="" attributes (progress bars, timeline positions) cannot carry a nonce.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  if (https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/**
 * Every header but the Content-Security-Policy.
 * @param {{ https: boolean }} options
 * @returns {{ key: string; value: string }[]}
 */
export function securityHeaders({ https }) {
  return [
    { key: "X-Frame-Options", value: "DENY" },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    { key: "Permissions-Policy", value: DENIED_FEATURES.map((feature) => `${feature}=()`).join(", ") },
    // One year; subdomains are left out because they belong to whoever hosts ChannelKeys, not to it.
    ...(https ? [{ key: "Strict-Transport-Security", value: "max-age=31536000" }] : []),
  ];
}
