// The address a request came from, for per-IP throttling and the audit history.
// Next.js fills X-Forwarded-For with the socket address only when the header is absent, and a
// reverse proxy appends the address it saw, so the LAST entry is the one a client cannot choose
// when a proxy is in front. Served directly, a client can still name any address: the per-email
// limit holds regardless.

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(",") : value;
}

export function clientIpFrom(headers: HeaderSource | undefined | null): string {
  if (!headers) return "unknown";
  const forwarded = readHeader(headers, "x-forwarded-for");
  const candidates = forwarded
    ?.split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  const last = candidates?.at(-1) ?? readHeader(headers, "x-real-ip")?.trim();
  if (!last) return "unknown";
  // "::ffff:127.0.0.1" and "127.0.0.1" are the same client.
  return last.replace(/^::ffff:/, "").slice(0, 64);
}
