import { describe, expect, it } from "vitest";
import {
  normaliseIp,
  proxyTrustFromEnv,
  ProxyTrustConfigError,
  resolveClientIp,
  UNKNOWN_CLIENT_IP,
  type ProxyTrust,
} from "@/lib/auth/client-ip";

const direct: ProxyTrust = { kind: "none" };
const hops = (count: number) => proxyTrustFromEnv({ TRUSTED_PROXY_HOPS: String(count) });
const proxies = (list: string) => proxyTrustFromEnv({ TRUSTED_PROXIES: list });

describe("served directly (no proxy configured)", () => {
  it("uses the socket address and ignores every forwarding header the client wrote", () => {
    expect(resolveClientIp({ socketAddress: "192.0.2.10", forwardedFor: "203.0.113.9, 198.51.100.7", trust: direct })).toBe(
      "192.0.2.10",
    );
    expect(resolveClientIp({ socketAddress: "::ffff:127.0.0.1", forwardedFor: "10.0.0.1", trust: direct })).toBe("127.0.0.1");
  });

  it("is the shared 'unknown' bucket when the socket address is not known", () => {
    expect(resolveClientIp({ socketAddress: undefined, forwardedFor: "203.0.113.9", trust: direct })).toBe(UNKNOWN_CLIENT_IP);
  });

  it("is the default when neither variable is set, and for TRUSTED_PROXY_HOPS=0", () => {
    expect(proxyTrustFromEnv({})).toEqual({ kind: "none" });
    expect(proxyTrustFromEnv({ TRUSTED_PROXY_HOPS: "0", TRUSTED_PROXIES: " " })).toEqual({ kind: "none" });
  });
});

describe("TRUSTED_PROXY_HOPS", () => {
  it("takes the entry that many hops from the right, whatever the client put before it", () => {
    const forwardedFor = "1.1.1.1, 2.2.2.2, 203.0.113.9, 198.51.100.7";
    expect(resolveClientIp({ socketAddress: "10.0.0.2", forwardedFor, trust: hops(1) })).toBe("198.51.100.7");
    expect(resolveClientIp({ socketAddress: "10.0.0.2", forwardedFor, trust: hops(2) })).toBe("203.0.113.9");
  });

  it("takes the furthest entry when there are fewer entries than proxies, and the socket when there are none", () => {
    expect(resolveClientIp({ socketAddress: "10.0.0.2", forwardedFor: "198.51.100.7", trust: hops(3) })).toBe("198.51.100.7");
    expect(resolveClientIp({ socketAddress: "10.0.0.2", forwardedFor: undefined, trust: hops(1) })).toBe("10.0.0.2");
    expect(resolveClientIp({ socketAddress: "10.0.0.2", forwardedFor: " , ", trust: hops(1) })).toBe("10.0.0.2");
  });

  it("never hands back text that is not an IP address", () => {
    for (const forwardedFor of ["<script>alert(1)</script>", "unknown", "1.2.3.4.5", "evil.example", "1.2.3.4 (from my proxy)"]) {
      expect(resolveClientIp({ socketAddress: "10.0.0.2", forwardedFor, trust: hops(1) }), forwardedFor).toBe(UNKNOWN_CLIENT_IP);
    }
    expect(resolveClientIp({ socketAddress: "10.0.0.2", forwardedFor: "x\r\nForged: line, 198.51.100.7", trust: hops(2) })).toBe(
      UNKNOWN_CLIENT_IP,
    );
  });
});

describe("TRUSTED_PROXIES", () => {
  const trust = proxies("10.0.0.0/8, 192.168.1.5, 2001:db8:feed::/48");

  it("believes X-Forwarded-For only when a trusted proxy sent the request", () => {
    expect(resolveClientIp({ socketAddress: "203.0.113.50", forwardedFor: "198.51.100.7", trust })).toBe("203.0.113.50");
    expect(resolveClientIp({ socketAddress: "192.168.1.5", forwardedFor: "198.51.100.7", trust })).toBe("198.51.100.7");
  });

  it("walks from the right past every trusted proxy to the first address that is not one", () => {
    const forwardedFor = "6.6.6.6, 198.51.100.7, 10.1.2.3, 2001:db8:feed::1";
    expect(resolveClientIp({ socketAddress: "::ffff:10.9.9.9", forwardedFor, trust })).toBe("198.51.100.7");
  });

  it("stops at an entry a trusted proxy wrote that is not an address", () => {
    expect(resolveClientIp({ socketAddress: "10.0.0.2", forwardedFor: "198.51.100.7, bogus, 10.1.2.3", trust })).toBe(
      UNKNOWN_CLIENT_IP,
    );
  });

  it("answers with the furthest proxy when every hop is trusted, and 'unknown' without a socket address", () => {
    expect(resolveClientIp({ socketAddress: "10.0.0.2", forwardedFor: "10.0.0.3", trust })).toBe("10.0.0.3");
    expect(resolveClientIp({ socketAddress: "10.0.0.2", forwardedFor: undefined, trust })).toBe("10.0.0.2");
    expect(resolveClientIp({ socketAddress: undefined, forwardedFor: "198.51.100.7", trust })).toBe(UNKNOWN_CLIENT_IP);
  });
});

describe("configuration", () => {
  it("refuses values it cannot use instead of trusting everyone", () => {
    for (const env of [
      { TRUSTED_PROXY_HOPS: "-1" },
      { TRUSTED_PROXY_HOPS: "1.5" },
      { TRUSTED_PROXY_HOPS: "two" },
      { TRUSTED_PROXIES: "10.0.0.0/33" },
      { TRUSTED_PROXIES: "10.0.0.0/8/1" },
      { TRUSTED_PROXIES: "proxy.internal" },
      { TRUSTED_PROXIES: "," },
      { TRUSTED_PROXY_HOPS: "1", TRUSTED_PROXIES: "10.0.0.1" },
    ]) {
      expect(() => proxyTrustFromEnv(env), JSON.stringify(env)).toThrow(ProxyTrustConfigError);
    }
  });
});

describe("normaliseIp", () => {
  it("gives one spelling per address", () => {
    expect(normaliseIp("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(normaliseIp("2001:DB8:0:0::1")).toBe("2001:db8::1");
    expect(normaliseIp(" 192.0.2.1 ")).toBe("192.0.2.1");
    expect(normaliseIp("192.0.2.1:4711")).toBe("192.0.2.1");
    expect(normaliseIp("[2001:db8::1]:443")).toBe("2001:db8::1");
  });

  it("refuses what is not an address", () => {
    for (const value of ["", "01.2.3.4", "256.1.1.1", "localhost", "1.2.3.4/8", "[1.2.3.4", undefined, null]) {
      expect(normaliseIp(value), String(value)).toBeNull();
    }
  });
});
