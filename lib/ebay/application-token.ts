// The application's own access token (client credentials), for the calls eBay makes on the app's behalf rather than
// a seller's: Developer Analytics getRateLimits and the Notification API's getPublicKey. eBay allows 1,000 of these
// grants per app per day and each lasts 2 hours, so one is kept per process and reused until shortly before it ends.
import { getEbayConfig, type EbayConfig } from "@/lib/ebay/config";
import { getApplicationAccessToken } from "@/lib/ebay/oauth";

export const APPLICATION_SCOPE = "https://api.ebay.com/oauth/api_scope";
/** A token this close to its end is replaced, so a call never starts with one about to lapse. */
const RENEW_MARGIN_MS = 5 * 60 * 1000;

type Cached = { key: string; accessToken: string; expiresAtMs: number };
let cached: Cached | undefined;
let pending: { key: string; promise: Promise<string> } | undefined;

// One token per app and eBay host: tests (and a misconfigured restart) may point the process elsewhere.
function cacheKey(config: EbayConfig): string {
  return `${config.apiBaseUrl} ${config.clientId}`;
}

export async function applicationAccessToken(config: EbayConfig = getEbayConfig()): Promise<string> {
  const key = cacheKey(config);
  if (cached && cached.key === key && cached.expiresAtMs - Date.now() > RENEW_MARGIN_MS) return cached.accessToken;
  if (pending && pending.key === key) return pending.promise;
  const promise = getApplicationAccessToken([APPLICATION_SCOPE], config)
    .then((token) => {
      cached = { key, accessToken: token.accessToken, expiresAtMs: Date.now() + token.expiresIn * 1000 };
      return token.accessToken;
    })
    .finally(() => {
      if (pending?.promise === promise) pending = undefined;
    });
  pending = { key, promise };
  return promise;
}

/** eBay refused the cached token (401): forget it, so the next call asks for a new one. */
export function forgetApplicationAccessToken(accessToken: string): void {
  if (cached?.accessToken === accessToken) cached = undefined;
}

/**
 * Runs a call with the application token; if eBay answers 401 (the token ended early, or eBay's clock is ahead of
 * ours), it is replaced once and the call made again.
 */
export async function withApplicationToken<T extends { status: number }>(
  config: EbayConfig,
  call: (accessToken: string) => Promise<T>,
): Promise<T> {
  const accessToken = await applicationAccessToken(config);
  const first = await call(accessToken);
  if (first.status !== 401) return first;
  forgetApplicationAccessToken(accessToken);
  return call(await applicationAccessToken(config));
}
