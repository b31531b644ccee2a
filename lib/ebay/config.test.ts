import { describe, expect, it } from "vitest";
import { DEFAULT_EBAY_SCOPES, EbayConfigError, getEbayConfig } from "@/lib/ebay/config";

const REAL = {
  EBAY_CLIENT_ID: "Acme-ChannelK-PRD-1a2b3c4d5-6e7f8a9b",
  EBAY_CLIENT_SECRET: "PRD-1a2b3c4d5e6f-7a8b-9c0d-1e2f-3a4b",
  EBAY_RU_NAME: "Acme-Acme-ChannelK-abcdefg",
};

describe("getEbayConfig", () => {
  it("emulates eBay when no client id is set, with the emulator's demo keys", () => {
    const config = getEbayConfig({});
    expect(config).toMatchObject({
      mode: "emulated",
      label: "Emulated eBay",
      clientId: "ChannelK-ChannelK-EMU-5e0f1a2b3-4c5d6e7f",
      clientSecret: "EMU-5e0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
      devId: "d3v1d-0000-4c5d-8e9f-emulated0001",
      ruName: "ChannelKeys-ChannelK-EMU-abcdefgh",
      authBaseUrl: "http://localhost:4010",
      apiBaseUrl: "http://localhost:4010",
      apizBaseUrl: "http://localhost:4010",
      signInBaseUrl: "http://localhost:4010",
    });
    expect(config.scopes).toEqual(DEFAULT_EBAY_SCOPES);
    expect(getEbayConfig({ EBAY_EMULATOR_PORT: "4999" }).apiBaseUrl).toBe("http://localhost:4999");
    expect(getEbayConfig({ EBAY_EMULATOR_URL: "http://127.0.0.1:5123/" }).apizBaseUrl).toBe("http://127.0.0.1:5123");
  });

  it("uses eBay's production hosts by default and sandbox hosts on request", () => {
    expect(getEbayConfig(REAL)).toMatchObject({
      mode: "production",
      label: "eBay",
      authBaseUrl: "https://auth.ebay.com",
      apiBaseUrl: "https://api.ebay.com",
      apizBaseUrl: "https://apiz.ebay.com",
      signInBaseUrl: "https://signin.ebay.com",
    });
    const sandbox = getEbayConfig({
      EBAY_CLIENT_ID: "Acme-ChannelK-SBX-1a2b3c4d5-6e7f8a9b",
      EBAY_CLIENT_SECRET: "SBX-1a2b3c4d5e6f-7a8b",
      EBAY_RU_NAME: "Acme-Acme-ChannelK-abcdefg",
      EBAY_ENVIRONMENT: "sandbox",
    });
    expect(sandbox).toMatchObject({
      mode: "sandbox",
      label: "eBay sandbox",
      authBaseUrl: "https://auth.sandbox.ebay.com",
      apiBaseUrl: "https://api.sandbox.ebay.com",
      apizBaseUrl: "https://apiz.sandbox.ebay.com",
      signInBaseUrl: "https://signin.sandbox.ebay.com",
    });
    expect(getEbayConfig({ ...REAL, EBAY_API_BASE_URL: "https://proxy.example/ebay/" }).apiBaseUrl).toBe("https://proxy.example/ebay");
  });

  it("requires the secret and RuName with real eBay, naming the variable and never a value", () => {
    expect(() => getEbayConfig({ EBAY_CLIENT_ID: REAL.EBAY_CLIENT_ID, EBAY_RU_NAME: REAL.EBAY_RU_NAME })).toThrow(/EBAY_CLIENT_SECRET is required/);
    try {
      getEbayConfig({ EBAY_CLIENT_ID: REAL.EBAY_CLIENT_ID, EBAY_CLIENT_SECRET: REAL.EBAY_CLIENT_SECRET });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EbayConfigError);
      expect((error as Error).message).toMatch(/EBAY_RU_NAME/);
      expect((error as Error).message).not.toContain(REAL.EBAY_CLIENT_SECRET);
    }
  });

  it("refuses the configuration traps eBay integrators fall into", () => {
    expect(() => getEbayConfig({ ...REAL, EBAY_RU_NAME: "https://channelkeys.example/api/ebay/callback" })).toThrow(/not the accept URL/);
    expect(() => getEbayConfig({ ...REAL, EBAY_RU_NAME: "Acme%2DAcme" })).toThrow(/EBAY_RU_NAME looks URL-encoded/);
    expect(() => getEbayConfig({ ...REAL, EBAY_CLIENT_SECRET: `"${REAL.EBAY_CLIENT_SECRET}"` })).toThrow(/EBAY_CLIENT_SECRET is wrapped in quotes/);
    expect(() => getEbayConfig({ ...REAL, EBAY_SCOPES: "https%3A%2F%2Fapi.ebay.com%2Foauth%2Fapi_scope" })).toThrow(/EBAY_SCOPES looks URL-encoded/);
    expect(() => getEbayConfig({ ...REAL, EBAY_ENVIRONMENT: "live" })).toThrow(/EBAY_ENVIRONMENT/);
    expect(() => getEbayConfig({ ...REAL, EBAY_CLIENT_ID: "Acme-ChannelK-SBX-1a2b3c4d5-6e7f8a9b" })).toThrow(/EBAY_CLIENT_ID is a sandbox key/);
    expect(() => getEbayConfig({ ...REAL, EBAY_ENVIRONMENT: "sandbox" })).toThrow(/production key but EBAY_ENVIRONMENT is sandbox/);
    expect(() => getEbayConfig({ EBAY_TIMEOUT_MS: "soon" })).toThrow(/EBAY_TIMEOUT_MS/);
  });

  it("reads scopes separated by any whitespace, without duplicates", () => {
    const config = getEbayConfig({
      EBAY_SCOPES: " https://api.ebay.com/oauth/api_scope\n https://api.ebay.com/oauth/api_scope/commerce.identity.readonly https://api.ebay.com/oauth/api_scope ",
    });
    expect(config.scopes).toEqual(["https://api.ebay.com/oauth/api_scope", "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly"]);
  });
});
