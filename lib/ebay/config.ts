// Where the product's one eBay client talks to, read from the environment on every call (cheap),
// so tests can point it at an emulator on a random port by setting EBAY_EMULATOR_URL.

export type EbayMode = "emulated" | "sandbox" | "production";

export type EbayConfig = {
  mode: EbayMode;
  clientId: string;
  clientSecret: string;
  devId?: string;
  ruName: string;
  scopes: string[];
  authBaseUrl: string;
  apiBaseUrl: string;
  apizBaseUrl: string;
  /** Where sellers sign in for an Auth'n'Auth token (signin.ebay.com). */
  signInBaseUrl: string;
  label: "Emulated eBay" | "eBay sandbox" | "eBay";
  timeoutMs: number;
};

// The emulator accepts exactly these literals; app code never imports the emulator, so they are repeated here.
export const EMULATED_APP_CREDENTIALS = {
  clientId: "ChannelK-ChannelK-EMU-5e0f1a2b3-4c5d6e7f",
  clientSecret: "EMU-5e0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
  devId: "d3v1d-0000-4c5d-8e9f-emulated0001",
  ruName: "ChannelKeys-ChannelK-EMU-abcdefgh",
} as const;

export const DEFAULT_EBAY_SCOPES: readonly string[] = [
  "https://api.ebay.com/oauth/api_scope",
  "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly",
  "https://api.ebay.com/oauth/api_scope/sell.account.readonly",
  "https://api.ebay.com/oauth/api_scope/sell.fulfillment.readonly",
  "https://api.ebay.com/oauth/api_scope/sell.inventory.readonly",
];

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_EMULATOR_PORT = 4010;

const REAL_HOSTS = {
  production: { auth: "https://auth.ebay.com", api: "https://api.ebay.com", apiz: "https://apiz.ebay.com", signIn: "https://signin.ebay.com" },
  sandbox: {
    auth: "https://auth.sandbox.ebay.com",
    api: "https://api.sandbox.ebay.com",
    apiz: "https://apiz.sandbox.ebay.com",
    signIn: "https://signin.sandbox.ebay.com",
  },
} as const;

/** A configuration mistake: names the variable, never its value. */
export class EbayConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = "EbayConfigError";
  }
}

type Env = Record<string, string | undefined>;

export function getEbayConfig(env: Env = process.env): EbayConfig {
  const scopes = readScopes(env);
  const timeoutMs = readTimeout(env);
  const clientId = readOptional(env, "EBAY_CLIENT_ID");

  if (clientId === undefined) {
    const emulatorUrl = trimTrailingSlash(
      readOptional(env, "EBAY_EMULATOR_URL") ??
        `http://localhost:${readOptional(env, "EBAY_EMULATOR_PORT") ?? DEFAULT_EMULATOR_PORT}`,
    );
    assertUrl("EBAY_EMULATOR_URL", emulatorUrl);
    return {
      mode: "emulated",
      ...EMULATED_APP_CREDENTIALS,
      scopes,
      authBaseUrl: emulatorUrl,
      apiBaseUrl: emulatorUrl,
      apizBaseUrl: emulatorUrl,
      signInBaseUrl: emulatorUrl,
      label: "Emulated eBay",
      timeoutMs,
    };
  }

  const environment = readOptional(env, "EBAY_ENVIRONMENT") ?? "production";
  if (environment !== "production" && environment !== "sandbox") {
    throw new EbayConfigError("EBAY_ENVIRONMENT", 'must be "production" or "sandbox"');
  }
  const clientSecret = readRequired(env, "EBAY_CLIENT_SECRET");
  const ruName = readRequired(env, "EBAY_RU_NAME");
  const devId = readOptional(env, "EBAY_DEV_ID");

  assertNotUrlEncoded("EBAY_CLIENT_ID", clientId);
  assertNotUrlEncoded("EBAY_CLIENT_SECRET", clientSecret);
  assertRuName(ruName);
  assertKeysMatchEnvironment(environment, clientId, clientSecret);

  const hosts = REAL_HOSTS[environment];
  const authBaseUrl = trimTrailingSlash(readOptional(env, "EBAY_AUTH_BASE_URL") ?? hosts.auth);
  const apiBaseUrl = trimTrailingSlash(readOptional(env, "EBAY_API_BASE_URL") ?? hosts.api);
  const apizBaseUrl = trimTrailingSlash(readOptional(env, "EBAY_APIZ_BASE_URL") ?? hosts.apiz);
  assertUrl("EBAY_AUTH_BASE_URL", authBaseUrl);
  assertUrl("EBAY_API_BASE_URL", apiBaseUrl);
  assertUrl("EBAY_APIZ_BASE_URL", apizBaseUrl);
  const signInBaseUrl = trimTrailingSlash(readOptional(env, "EBAY_SIGNIN_BASE_URL") ?? hosts.signIn);
  assertUrl("EBAY_SIGNIN_BASE_URL", signInBaseUrl);

  return {
    mode: environment,
    clientId,
    clientSecret,
    ...(devId === undefined ? {} : { devId }),
    ruName,
    scopes,
    authBaseUrl,
    apiBaseUrl,
    apizBaseUrl,
    signInBaseUrl,
    label: environment === "sandbox" ? "eBay sandbox" : "eBay",
    timeoutMs,
  };
}

function readOptional(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const value = raw.trim();
  if (value === "") return undefined;
  // A value pasted with its quotes kept (`KEY="..."` read by a loader that does not strip them) would be
  // sent to eBay verbatim and fail as invalid_client; say so instead.
  if (/^(["']).*\1$/s.test(value)) {
    throw new EbayConfigError(name, "is wrapped in quotes; remove them");
  }
  return value;
}

function readRequired(env: Env, name: string): string {
  const value = readOptional(env, name);
  if (value === undefined) {
    throw new EbayConfigError(name, "is required when EBAY_CLIENT_ID is set (real eBay)");
  }
  return value;
}

function readScopes(env: Env): string[] {
  const raw = readOptional(env, "EBAY_SCOPES");
  if (raw === undefined) return [...DEFAULT_EBAY_SCOPES];
  const scopes = raw.split(/\s+/).filter((scope) => scope !== "");
  for (const scope of scopes) {
    // "%20"/"%3A" in a scope means it was stored URL-encoded: sending it would encode it twice and
    // eBay answers invalid_scope.
    if (/%[0-9a-f]{2}/i.test(scope)) {
      throw new EbayConfigError("EBAY_SCOPES", "looks URL-encoded; list the scopes plainly, separated by spaces");
    }
    if (!scope.startsWith("https://")) {
      throw new EbayConfigError("EBAY_SCOPES", "must be scope URLs (https://api.ebay.com/oauth/api_scope/...) separated by spaces");
    }
  }
  return [...new Set(scopes)];
}

function readTimeout(env: Env): number {
  const raw = readOptional(env, "EBAY_TIMEOUT_MS");
  if (raw === undefined) return DEFAULT_TIMEOUT_MS;
  const timeoutMs = Number(raw);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new EbayConfigError("EBAY_TIMEOUT_MS", "must be a positive whole number of milliseconds");
  }
  return timeoutMs;
}

function assertNotUrlEncoded(name: string, value: string): void {
  if (/%[0-9a-f]{2}/i.test(value)) {
    throw new EbayConfigError(name, "looks URL-encoded; paste the plain value from the eBay developer portal");
  }
}

function assertRuName(ruName: string): void {
  if (/^https?:\/\//i.test(ruName)) {
    throw new EbayConfigError(
      "EBAY_RU_NAME",
      "must be the RuName (eBay Redirect URL name) from the developer portal, not the accept URL",
    );
  }
  assertNotUrlEncoded("EBAY_RU_NAME", ruName);
  if (/\s/.test(ruName)) {
    throw new EbayConfigError("EBAY_RU_NAME", "must not contain spaces");
  }
}

// eBay keysets carry their environment: App IDs look like "Owner-App-PRD-..." or "...-SBX-...", and
// Cert IDs start with "PRD-" or "SBX-". A sandbox key sent to production (or the reverse) fails as
// invalid_client for every account, so refuse the mix-up at startup.
function assertKeysMatchEnvironment(environment: "production" | "sandbox", clientId: string, clientSecret: string) {
  const wrongMarker = environment === "production" ? "SBX" : "PRD";
  if (clientId.split("-").includes(wrongMarker)) {
    throw new EbayConfigError("EBAY_CLIENT_ID", `is a ${wrongMarker === "SBX" ? "sandbox" : "production"} key but EBAY_ENVIRONMENT is ${environment}`);
  }
  if (clientSecret.startsWith(`${wrongMarker}-`)) {
    throw new EbayConfigError("EBAY_CLIENT_SECRET", `is a ${wrongMarker === "SBX" ? "sandbox" : "production"} key but EBAY_ENVIRONMENT is ${environment}`);
  }
}

function assertUrl(name: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new EbayConfigError(name, "must be an absolute http(s) URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new EbayConfigError(name, "must be an absolute http(s) URL");
  }
}

function trimTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
