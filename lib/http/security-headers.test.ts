import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, securityHeaders, servedOverHttps } from "@/lib/http/security-headers.mjs";

function directives(policy: string): Map<string, string> {
  return new Map(policy.split("; ").map((directive) => [directive.split(" ")[0]!, directive]));
}

describe("Content-Security-Policy", () => {
  it("lets only this response's nonce run inline script, and no page frame it", () => {
    const policy = directives(contentSecurityPolicy({ nonce: "abc123", development: false, https: false }));
    expect(policy.get("script-src")).toBe("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(policy.get("frame-ancestors")).toBe("frame-ancestors 'none'");
    expect(policy.get("object-src")).toBe("object-src 'none'");
    expect([...policy.values()].join("; ")).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });

  it("allows eval only in development, where React's debugging aids need it", () => {
    expect(contentSecurityPolicy({ nonce: "n", development: true, https: false })).toContain("'strict-dynamic' 'unsafe-eval'");
    expect(contentSecurityPolicy({ development: false, https: false })).not.toContain("unsafe-eval");
  });

  it("without a nonce (static files) allows this origin's scripts and no inline ones", () => {
    const policy = directives(contentSecurityPolicy({ development: false, https: false }));
    expect(policy.get("script-src")).toBe("script-src 'self'");
    expect(policy.get("style-src")).toBe("style-src 'self'");
  });

  it("upgrades insecure requests only when served over https", () => {
    expect(contentSecurityPolicy({ development: false, https: true })).toContain("upgrade-insecure-requests");
    expect(contentSecurityPolicy({ development: false, https: false })).not.toContain("upgrade-insecure-requests");
  });
});

describe("other security headers", () => {
  it("sends Strict-Transport-Security only when the public URL is https", () => {
    expect(servedOverHttps("https://keys.example.com")).toBe(true);
    expect(servedOverHttps("http://localhost:3000")).toBe(false);
    expect(servedOverHttps(undefined)).toBe(false);
    const keys = (https: boolean) => securityHeaders({ https }).map((header) => header.key);
    expect(keys(true)).toContain("Strict-Transport-Security");
    expect(keys(false)).not.toContain("Strict-Transport-Security");
  });

  it("denies camera, microphone and geolocation and forbids framing", () => {
    const headers = new Map(securityHeaders({ https: false }).map((header) => [header.key, header.value]));
    expect(headers.get("Permissions-Policy")).toMatch(/(^|, )camera=\(\)/);
    expect(headers.get("Permissions-Policy")).toMatch(/(^|, )microphone=\(\)/);
    expect(headers.get("Permissions-Policy")).toMatch(/(^|, )geolocation=\(\)/);
    expect(headers.get("X-Frame-Options")).toBe("DENY");
    expect(headers.get("X-Content-Type-Options")).toBe("nosniff");
  });
});
