// Where a webhook may be sent. The server makes the request, so an owner-chosen URL must not reach this
// machine, the private network around it or the cloud metadata service (169.254.169.254). Checking the
// URL once is not enough: a public name can resolve to 10.0.0.5 at send time (DNS rebinding), so the
// check runs inside the connection's own DNS lookup and the socket only ever connects to an address that
// passed it. Private and loopback targets (and plain http, which only makes sense there) are allowed
// only when the operator says so: WEBHOOK_ALLOW_PRIVATE_NETWORKS=1. Running against the eBay emulator does not
// imply it: a demo install lets anyone sign up, and its webhooks would otherwise reach every service around it.
import dns from "node:dns";
import net from "node:net";
import type { LookupFunction } from "node:net";

type Env = Record<string, string | undefined>;

export function webhookPrivateTargetsAllowed(env: Env = process.env): boolean {
  return env.WEBHOOK_ALLOW_PRIVATE_NETWORKS?.trim() === "1";
}

/** Raised before any connection is made; its text stays in the server, users see a coarse message. */
export class WebhookTargetRefused extends Error {
  override name = "WebhookTargetRefused";
  readonly code = "EWEBHOOKTARGET";
}

const NON_PUBLIC = new net.BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network"; 0.0.0.0 reaches the local host on Linux
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b:1::", 48], // local-use NAT64
  ["100::", 64], // discard
  ["2001::", 32], // Teredo
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // old site-local
  ["ff00::", 8], // multicast
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, "ipv6");
}

/** True for an address on the public internet; false for loopback, private, link-local, reserved and malformed ones. */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = net.isIP(bare);
  if (family === 4) return !NON_PUBLIC.check(bare, "ipv4");
  if (family !== 6) return false;
  const embedded = embeddedIPv4(bare);
  if (embedded !== null) return isPublicAddress(embedded);
  return !NON_PUBLIC.check(bare, "ipv6");
}

/**
 * The IPv4 address an IPv6 address stands for, where the kernel or a gateway would route it to that IPv4
 * address: ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::/96 (NAT64), 2002:AABB:CCDD::/16 (6to4).
 */
function embeddedIPv4(address: string): string | null {
  const groups = expandIPv6(address);
  if (!groups) return null;
  const v4 = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  const zero = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
  if (zero(0, 5) && groups[5] === 0xffff) return v4(groups[6]!, groups[7]!);
  if (zero(0, 6) && (groups[6] !== 0 || groups[7]! > 1)) return v4(groups[6]!, groups[7]!);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zero(2, 6)) return v4(groups[6]!, groups[7]!);
  if (groups[0] === 0x2002) return v4(groups[1]!, groups[2]!);
  return null;
}

function expandIPv6(address: string): number[] | null {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const octets = dotted[1]!.split(".").map(Number);
    text = `${text.slice(0, -dotted[1]!.length)}${((octets[0]! << 8) | octets[1]!).toString(16)}:${((octets[2]! << 8) | octets[3]!).toString(16)}`;
  }
  const [head, tail, ...rest] = text.split("::");
  if (rest.length > 0) return null;
  const parse = (part: string | undefined) => (part ? part.split(":").map((group) => parseInt(group, 16)) : []);
  const front = parse(head);
  const back = parse(tail);
  const missing = 8 - front.length - back.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return null;
  const groups = [...front, ...Array<number>(tail === undefined ? 0 : missing).fill(0), ...back];
  return groups.length === 8 && groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff) ? groups : null;
}

export type WebhookTargetPolicy = { allowPrivateNetworks: boolean };

/** Names that always mean this machine, whatever a resolver says. */
function isLocalName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  return name === "localhost" || name.endsWith(".localhost");
}

/**
 * The settings form's check, before anything is stored: refuses what is refused whatever DNS says (plain
 * http, this machine, literal private addresses). Names are checked again, resolved, at every send.
 */
export function webhookUrlProblem(value: string, policy: WebhookTargetPolicy = { allowPrivateNetworks: webhookPrivateTargetsAllowed() }): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Enter a full URL, starting with https://";
  }
  if (url.username || url.password) return "Put credentials in the signing secret, not in the URL.";
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const literal = net.isIP(hostname) !== 0;
  const local = isLocalName(hostname) || (literal && !isPublicAddress(hostname));
  if (url.protocol === "http:") {
    // Plain http only to a receiver on this machine or a private network, and only when those are allowed.
    if (policy.allowPrivateNetworks && local) return null;
    return policy.allowPrivateNetworks
      ? "Webhook URLs must use https:// (plain http only to localhost or a private network address)."
      : "Webhook URLs must use https://.";
  }
  if (url.protocol !== "https:") return "Webhook URLs must use https://.";
  if (local && !policy.allowPrivateNetworks) return "Webhook URLs must point to a public internet address, not this server or a private network.";
  return null;
}

/**
 * Checks a URL's scheme and (literal) host against the policy, right before a request. A literal IP is
 * connected to without any lookup, so it is judged here; a name is judged by guardedLookup.
 */
export function assertWebhookTarget(url: URL, policy: WebhookTargetPolicy): void {
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new WebhookTargetRefused(`scheme ${url.protocol} is not allowed`);
  if (url.username || url.password) throw new WebhookTargetRefused("credentials in the URL are not allowed");
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  if (url.protocol === "http:" && !policy.allowPrivateNetworks) throw new WebhookTargetRefused("plain http is not allowed");
  if (net.isIP(hostname) !== 0) assertAddressAllowed(hostname, url.protocol, policy);
  else if (isLocalName(hostname) && !policy.allowPrivateNetworks) throw new WebhookTargetRefused("this machine is not an allowed target");
}

function assertAddressAllowed(address: string, protocol: string, policy: WebhookTargetPolicy): void {
  const isPublic = isPublicAddress(address);
  if (!isPublic && !policy.allowPrivateNetworks) throw new WebhookTargetRefused("a non-public address is not an allowed target");
  // Even when private networks are allowed, plaintext never crosses the public internet.
  if (isPublic && protocol === "http:") throw new WebhookTargetRefused("plain http to a public address is not allowed");
}

/**
 * A `lookup` for http(s).request: resolves like the default, then drops every address the policy refuses,
 * so the socket can only connect to an allowed address (the answer is used once, for this connection).
 */
export function guardedLookup(protocol: string, policy: WebhookTargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, options.all ? [] : "", 0);
      const allowed = addresses.filter((entry) => {
        try {
          assertAddressAllowed(entry.address, protocol, policy);
          return true;
        } catch {
          return false;
        }
      });
      if (allowed.length === 0) {
        const refused = new WebhookTargetRefused(`${hostname} resolves only to addresses that are not allowed`);
        return callback(refused as NodeJS.ErrnoException, options.all ? [] : "", 0);
      }
      if (options.all) return callback(null, allowed);
      return callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}
