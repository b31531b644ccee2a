// Who may drive the emulator, and where it may send requests of its own.
//
// The control API (/__emulator/) can reset state, revoke sellers, move the clock and make the emulator POST to a URL,
// so by default it answers only this machine: the peer address must be loopback, and, because a web page can reach
// loopback through the visitor's browser, the Host header must name a loopback host (DNS rebinding) and an Origin
// header, when a browser sends one, must be a loopback origin (cross-site form posts).
// EBAY_EMULATOR_CONTROL_ALLOW_REMOTE=1 lifts all three for setups where tests run on another host.
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";

/** 127.0.0.0/8, ::1 and IPv4-mapped 127.x (what a dual-stack socket reports for an IPv4 loopback peer). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const unmapped = address.toLowerCase().startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
  if (isIP(unmapped) === 4) return unmapped.startsWith("127.");
  return unmapped === "::1" || unmapped === "0:0:0:0:0:0:0:1";
}

/** A host name or literal that can only mean this machine: localhost (and *.localhost, RFC 6761) or a loopback IP. */
export function isLoopbackHostname(hostname: string): boolean {
  const bare = hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
  return bare === "localhost" || bare.endsWith(".localhost") || isLoopbackAddress(bare);
}

function hostOf(value: string): string | undefined {
  try {
    return new URL(value).hostname;
  } catch {
    return undefined;
  }
}

/** Why a control request is refused, or undefined when it comes from this machine. */
export function controlAccessRefusal(request: IncomingMessage): string | undefined {
  if (!isLoopbackAddress(request.socket.remoteAddress)) {
    return "the control API answers loopback clients only (set EBAY_EMULATOR_CONTROL_ALLOW_REMOTE=1 to allow others)";
  }
  const host = request.headers.host;
  // HTTP/1.0 clients may omit Host; a browser never does, so a missing Host is no rebinding risk.
  if (host !== undefined) {
    const hostname = hostOf(`http://${host}`);
    if (!hostname || !isLoopbackHostname(hostname)) return "the control API answers requests addressed to a loopback host only";
  }
  const origin = request.headers.origin;
  if (origin !== undefined) {
    const hostname = origin === "null" ? undefined : hostOf(origin);
    if (!hostname || !isLoopbackHostname(hostname)) return "the control API refuses cross-site browser requests";
  }
  return undefined;
}
