import { describe, expect, it } from "vitest";
import { getEbayConfig } from "@/lib/ebay/config";
import { EbayInputError } from "@/lib/ebay/errors";
import { buildAuthorizeUrl, normalizeAuthorizationCode } from "@/lib/ebay/oauth";

const CODE = "v^1.1#i^1#r^1#f^0#I^3#p^3#t^Ul41XzY6QkI2RjE0QTZBQjdFRDM5RUJBMzhBQUVCNTg3MTU0QTFfMF8xI0VeMjYw";

describe("buildAuthorizeUrl", () => {
  const config = getEbayConfig({ EBAY_EMULATOR_URL: "http://127.0.0.1:4567" });

  it("sends client_id, the RuName as redirect_uri, response_type=code, space-separated scopes and state", () => {
    const url = new URL(buildAuthorizeUrl({ state: "s+t/a=te&x" }, config));
    expect(url.origin + url.pathname).toBe("http://127.0.0.1:4567/oauth2/authorize");
    expect(url.searchParams.get("client_id")).toBe(config.clientId);
    expect(url.searchParams.get("redirect_uri")).toBe("ChannelKeys-ChannelK-EMU-abcdefgh");
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("scope")).toBe(config.scopes.join(" "));
    expect(url.searchParams.get("state")).toBe("s+t/a=te&x");
    expect(url.searchParams.has("prompt")).toBe(false);
  });

  it("encodes the scope with %20 between scopes, once", () => {
    const raw = buildAuthorizeUrl({ state: "abc" }, config);
    expect(raw).toContain("scope=https%3A%2F%2Fapi.ebay.com%2Foauth%2Fapi_scope%20https%3A%2F%2F");
    expect(raw).not.toContain("%25");
  });

  it("adds prompt=login and locale when asked", () => {
    const url = new URL(buildAuthorizeUrl({ state: "abc", prompt: "login", locale: "de-DE" }, config));
    expect(url.searchParams.get("prompt")).toBe("login");
    expect(url.searchParams.get("locale")).toBe("de-DE");
  });
});

describe("normalizeAuthorizationCode", () => {
  it("keeps a decoded code as it is", () => {
    expect(normalizeAuthorizationCode(CODE)).toBe(CODE);
  });

  it("decodes a URL-encoded code exactly once", () => {
    expect(normalizeAuthorizationCode(encodeURIComponent(CODE))).toBe(CODE);
  });

  it("refuses a code encoded twice, cut at '#', or empty", () => {
    expect(() => normalizeAuthorizationCode(encodeURIComponent(encodeURIComponent(CODE)))).toThrow(/URL-encoded twice/);
    expect(() => normalizeAuthorizationCode("v^1.1")).toThrow(EbayInputError);
    expect(() => normalizeAuthorizationCode("v^1.1")).toThrow(/first '#'/);
    expect(() => normalizeAuthorizationCode("  ")).toThrow(/empty/);
    expect(() => normalizeAuthorizationCode(`v^1.1#${"x".repeat(1030)}`)).toThrow(/1024/);
  });
});
