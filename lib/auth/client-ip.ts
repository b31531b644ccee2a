import { BlockList, isIP, SocketAddress } from "node:net";
import { currentSocketAddress } from "@/lib/auth/socket-address";

// The address a request came from, for per-IP throttling and the audit history.
//
// Served directly (the default), that is the socket address: X-Forwarded-For is whatever the client wrote and
// is ignored. Behind reverse proxies, only what those proxies appended can be believed, and the configuration
// says who they are:
//   TRUSTED_PROXY_HOPS=n    n proxies are in front, each appends the address it received from: the client is
//                           the n-th X-Forwarded-For entry from the right. The app must be reachable only
//                           through them (a request that skips the outer ones can still choose that entry).
//   TRUSTED_PROXIES=a,b/c   the proxies' addresses or CIDR ranges: the request must come from one of them (else
//                           the socket address is the client), and X-Forwarded-For is walked from the right
//                           past every trusted address to the first that is not.
// Whatever is chosen must be a valid IP address; anything else (or nothing to choose) is "unknown", one shared
// bucket, so attacker text never reaches a rate-limit key or an audit line.

export const UNKNOWN_CLIENT_IP = "unknown";

export type ProxyTrust =
  | { kind: "none" }
  | { kind: "hops"; hops: number }
  | { kind: "addresses"; proxies: BlockList; description: string };

type Env = Record<string, string | undefined>;

/** A configuration mistake here would silently hand the limit keys to clients: refuse it instead. */
export class ProxyTrustConfigError extends Error {
  override name = "ProxyTrustConfigError";
}

function ipFamily(address: string): "ipv4" | "ipv6" | null {
  const version = isIP(address);
  return version === 4 ? "ipv4" : version === 6 ? "ipv6" : null;
}

/**
 * One address in canonical form ("::ffff:192.0.2.1" is 192.0.2.1, IPv6 lower-case and compressed), or null if
 * it is not an IP address. Accepts the "[v6]:port" and "v4:port" forms some proxies write.
 */
export function normaliseIp(value: string | undefined | null): string | null {
  if (!value) return null;
  let candidate = value.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(candidate);
  const ipv4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(candidate);
  if (bracketed) candidate = bracketed[1]!;
  else if (ipv4WithPort) candidate = ipv4WithPort[1]!;
  const family = ipFamily(candidate);
  if (!family) return null;
  const canonical = new SocketAddress({ address: candidate, family }).address;
  const mappedIpv4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(canonical);
  return mappedIpv4 ? mappedIpv4[1]! : canonical;
}

function parseTrustedProxies(value: string): BlockList {
  const proxies = new BlockList();
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) throw new ProxyTrustConfigError("TRUSTED_PROXIES is set but names no address.");
  for (const entry of entries) {
    const [address, prefix, ...rest] = entry.split("/");
    const normalised = normaliseIp(address);
    const family = normalised ? ipFamily(normalised) : null;
    const prefixLength = prefix === undefined ? null : Number(prefix);
    const maxPrefix = family === "ipv4" ? 32 : 128;
    if (
      !normalised ||
      !family ||
      rest.length > 0 ||
      (prefixLength !== null && (!/^\d{1,3}$/.test(prefix!) || prefixLength > maxPrefix))
    ) {
      throw new ProxyTrustConfigError(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range.`);
    }
    if (prefixLength === null) proxies.addAddress(normalised, family);
    else proxies.addSubnet(normalised, prefixLength, family);
  }
  return proxies;
}

/** Reads TRUSTED_PROXY_HOPS / TRUSTED_PROXIES. Throws ProxyTrustConfigError on a value it cannot use. */
export function proxyTrustFromEnv(env: Env = process.env): ProxyTrust {
  const hopsText = env.TRUSTED_PROXY_HOPS?.trim() ?? "";
  const proxiesText = env.TRUSTED_PROXIES?.trim() ?? "";
  if (hopsText && proxiesText) {
    throw new ProxyTrustConfigError("Set TRUSTED_PROXY_HOPS or TRUSTED_PROXIES, not both.");
  }
  if (hopsText) {
    if (!/^\d{1,2}$/.test(hopsText)) {
      throw new ProxyTrustConfigError("TRUSTED_PROXY_HOPS must be a whole number of proxies (0 to 99).");
    }
    const hops = Number(hopsText);
    return hops === 0 ? { kind: "none" } : { kind: "hops", hops };
  }
  if (proxiesText) return { kind: "addresses", proxies: parseTrustedProxies(proxiesText), description: proxiesText };
  return { kind: "none" };
}

// Parsed once per distinct setting: the limit keys are computed on every sign-in attempt.
let cachedTrust: { hops: string | undefined; proxies: string | undefined; trust: ProxyTrust } | undefined;

function currentProxyTrust(): ProxyTrust {
  const hops = process.env.TRUSTED_PROXY_HOPS;
  const proxies = process.env.TRUSTED_PROXIES;
  if (!cachedTrust || cachedTrust.hops !== hops || cachedTrust.proxies !== proxies) {
    cachedTrust = { hops, proxies, trust: proxyTrustFromEnv({ TRUSTED_PROXY_HOPS: hops, TRUSTED_PROXIES: proxies }) };
  }
  return cachedTrust.trust;
}

function isTrustedProxy(proxies: BlockList, address: string): boolean {
  const family = ipFamily(address);
  return family !== null && proxies.check(address, family);
}

/**
 * The client address given what the socket and X-Forwarded-For say and which proxies are trusted. Pure: the
 * socket address is passed in. Always a canonical IP address or UNKNOWN_CLIENT_IP.
 */
export function resolveClientIp(input: {
  socketAddress: string | undefined;
  forwardedFor: string | undefined | null;
  trust: ProxyTrust;
}): string {
  const { trust } = input;
  const socketAddress = normaliseIp(input.socketAddress);
  if (trust.kind === "none") return socketAddress ?? UNKNOWN_CLIENT_IP;

  // Entries are listed oldest first; each proxy appends the address it received the request from.
  const forwarded = (input.forwardedFor ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);

  if (trust.kind === "hops") {
    if (forwarded.length === 0) return socketAddress ?? UNKNOWN_CLIENT_IP;
    // Fewer entries than proxies: the request skipped some of them; the furthest entry is the best there is.
    const chosen = forwarded[Math.max(0, forwarded.length - trust.hops)];
    return normaliseIp(chosen) ?? UNKNOWN_CLIENT_IP;
  }

  // Without the socket address there is no telling whether a trusted proxy sent the header at all.
  if (!socketAddress) return UNKNOWN_CLIENT_IP;
  if (!isTrustedProxy(trust.proxies, socketAddress)) return socketAddress;
  let furthestTrusted = socketAddress;
  for (let index = forwarded.length - 1; index >= 0; index -= 1) {
    // Written by a trusted proxy, so it should be an address; if it is not, nothing left of it can be believed.
    const address = normaliseIp(forwarded[index]);
    if (!address) return UNKNOWN_CLIENT_IP;
    if (!isTrustedProxy(trust.proxies, address)) return address;
    furthestTrusted = address;
  }
  // Every hop is a trusted proxy (e.g. a health check from the proxy itself).
  return furthestTrusted;
}

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/**
 * The client address of the request being handled: its socket address (recorded by
 * lib/auth/socket-address.ts) and, when proxies are configured as trusted, what they wrote in X-Forwarded-For.
 */
export function clientIpFrom(headers: HeaderSource | undefined | null): string {
  return resolveClientIp({
    socketAddress: currentSocketAddress(),
    forwardedFor: headers ? readHeader(headers, "x-forwarded-for") : undefined,
    trust: currentProxyTrust(),
  });
}
