// The Trading API calls ChannelKeys makes. GetTokenStatus is the only eBay call that says *why* a token stopped
// working (RevokedByUser / RevokedByApp / RevokedByeBay, with the revocation time), for OAuth and Auth'n'Auth tokens
// alike; GetSessionID, FetchToken, GetUser and RevokeToken are the legacy Auth'n'Auth token's life cycle.
import { XMLParser } from "fast-xml-parser";
import { EbayConfigError, getEbayConfig, type EbayConfig } from "@/lib/ebay/config";
import { EbayApiError, type EbayOperation, type EbayTradingErrorDetail } from "@/lib/ebay/errors";
import { malformed, restFailure, sendEbayRequest } from "@/lib/ebay/http";

export const TRADING_COMPATIBILITY_LEVEL = "967";
/** SiteID 0 = eBay US; GetTokenStatus answers the same on every site. */
export const TRADING_SITE_ID_US = "0";

export const TOKEN_STATUSES = [
  "Active",
  "Expired",
  "Invalid",
  "RevokedByApp",
  "RevokedByeBay",
  "RevokedByUser",
  "CustomCode",
] as const;

export type TokenStatusCode = (typeof TOKEN_STATUSES)[number];

export type TokenStatus = {
  status: TokenStatusCode;
  /** eBay's EIAS token of the user the token belongs to. */
  eiasToken?: string;
  expirationTime?: Date;
  revocationTime?: Date;
  /** Only Auth'n'Auth tokens get this, from 7 days before their hard expiry. */
  hardExpirationWarning?: Date;
};

/** Which credential a Trading call is made with: an OAuth access token (IAF header) or an Auth'n'Auth token. */
export type TradingCredential = { oauthAccessToken: string } | { authNAuthToken: string };

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (tagName) => tagName === "Errors",
});

type TradingCall = "GetTokenStatus" | "GetSessionID" | "FetchToken" | "GetUser" | "RevokeToken";

/**
 * One Trading API call. Calls made for a user carry the credential; GetSessionID and FetchToken are the application's
 * own (eBay identifies the app by the App/Dev/Cert headers, which Auth'n'Auth needs all three of).
 * Returns the response root; Ack Failure becomes an EbayApiError "trading" with eBay's error codes.
 */
async function callTrading(
  callName: TradingCall,
  options: { credential?: TradingCredential; fields?: string; config: EbayConfig },
): Promise<Record<string, unknown>> {
  const { config, credential } = options;
  const operation: EbayOperation = `trading.${callName}`;
  const iafToken = credential && "oauthAccessToken" in credential ? credential.oauthAccessToken : undefined;
  const authNAuthToken = credential && "authNAuthToken" in credential ? credential.authNAuthToken : undefined;
  if (iafToken === undefined && config.devId === undefined) {
    // Without the Dev ID eBay answers every Auth'n'Auth call with error 21916013; say which setting is missing.
    throw new EbayConfigError("EBAY_DEV_ID", "is required for Auth'n'Auth tokens (Trading API application headers)");
  }
  const requesterCredentials =
    authNAuthToken === undefined ? "" : `<RequesterCredentials><eBayAuthToken>${escapeXml(authNAuthToken)}</eBayAuthToken></RequesterCredentials>`;
  const response = await sendEbayRequest({
    operation,
    method: "POST",
    url: `${config.apiBaseUrl}/ws/api.dll`,
    headers: {
      "Content-Type": "text/xml",
      "X-EBAY-API-CALL-NAME": callName,
      "X-EBAY-API-SITEID": TRADING_SITE_ID_US,
      "X-EBAY-API-COMPATIBILITY-LEVEL": TRADING_COMPATIBILITY_LEVEL,
      "X-EBAY-API-APP-NAME": config.clientId,
      ...(config.devId === undefined ? {} : { "X-EBAY-API-DEV-NAME": config.devId }),
      "X-EBAY-API-CERT-NAME": config.clientSecret,
      ...(iafToken === undefined ? {} : { "X-EBAY-API-IAF-TOKEN": iafToken }),
    },
    body:
      '<?xml version="1.0" encoding="utf-8"?>\n' +
      `<${callName}Request xmlns="urn:ebay:apis:eBLBaseComponents">${requesterCredentials}${options.fields ?? ""}</${callName}Request>`,
    timeoutMs: config.timeoutMs,
  });
  // Trading reports its errors as HTTP 200 + Ack=Failure; a non-200 is the transport's (5xx, 429...).
  if (response.status < 200 || response.status >= 300) throw restFailure(response, operation);
  return readTradingRoot(response.text, callName, response.status);
}

export async function getTokenStatus(accessToken: string, config: EbayConfig = getEbayConfig()): Promise<TokenStatus> {
  return readTokenStatus(await callTrading("GetTokenStatus", { credential: { oauthAccessToken: accessToken }, config }));
}

/** GetTokenStatus for an Auth'n'Auth token: Active, Expired (past HardExpirationTime), RevokedBy*, Invalid. */
export async function getAuthNAuthTokenStatus(authNAuthToken: string, config: EbayConfig = getEbayConfig()): Promise<TokenStatus> {
  return readTokenStatus(await callTrading("GetTokenStatus", { credential: { authNAuthToken }, config }));
}

/** Auth'n'Auth step 1: a SessionID for the RuName, which the seller's sign-in at eBay is bound to. */
export async function getSessionId(config: EbayConfig = getEbayConfig()): Promise<string> {
  const root = await callTrading("GetSessionID", { fields: `<RuName>${escapeXml(config.ruName)}</RuName>`, config });
  const sessionId = asText(root.SessionID);
  if (!sessionId) throw malformed("trading.GetSessionID", 200, "no SessionID");
  return sessionId;
}

/** Where the seller signs in and agrees (eBay's Auth'n'Auth page for this RuName and SessionID). */
export function buildAuthNAuthSignInUrl(sessionId: string, config: EbayConfig = getEbayConfig()): string {
  return `${config.signInBaseUrl}/ws/eBayISAPI.dll?SignIn&RuName=${encodeURIComponent(config.ruName)}&SessID=${encodeURIComponent(sessionId)}`;
}

export type FetchedAuthNAuthToken = { token: string; hardExpirationTime: Date };

/** Auth'n'Auth step 3, after the seller agreed: the token and its HardExpirationTime (18 months on). */
export async function fetchAuthNAuthToken(sessionId: string, config: EbayConfig = getEbayConfig()): Promise<FetchedAuthNAuthToken> {
  const root = await callTrading("FetchToken", { fields: `<SessionID>${escapeXml(sessionId)}</SessionID>`, config });
  const token = asText(root.eBayAuthToken);
  const hardExpirationTime = asDate(root.HardExpirationTime);
  if (!token || !hardExpirationTime) throw malformed("trading.FetchToken", 200, "no eBayAuthToken or HardExpirationTime");
  return { token, hardExpirationTime };
}

export type TradingUser = {
  /** Trading's UserID: the seller's eBay username (it can change; the EIAS token does not). */
  userId: string;
  eiasToken: string;
  site?: string;
  hardExpirationWarning?: Date;
};

/** GetUser with an Auth'n'Auth token: whose token it is. */
export async function getTradingUser(authNAuthToken: string, config: EbayConfig = getEbayConfig()): Promise<TradingUser> {
  const root = await callTrading("GetUser", { credential: { authNAuthToken }, config });
  const user = root.User;
  const fields = typeof user === "object" && user !== null ? (user as Record<string, unknown>) : {};
  const userId = asText(fields.UserID);
  const eiasToken = asText(fields.EIASToken);
  if (!userId || !eiasToken) throw malformed("trading.GetUser", 200, "no User.UserID or User.EIASToken");
  const result: TradingUser = { userId, eiasToken };
  const site = asText(fields.Site);
  if (site) result.site = site;
  const warning = asDate(root.HardExpirationWarning);
  if (warning) result.hardExpirationWarning = warning;
  return result;
}

/** RevokeToken: eBay invalidates the Auth'n'Auth token at once (and sends a TokenRevocation notification). */
export async function revokeAuthNAuthToken(authNAuthToken: string, config: EbayConfig = getEbayConfig()): Promise<void> {
  await callTrading("RevokeToken", { credential: { authNAuthToken }, config });
}

/** GetTokenStatusResponse XML -> TokenStatus; Ack Failure -> EbayApiError "trading" with its error codes. */
export function parseGetTokenStatusResponse(text: string, httpStatus = 200): TokenStatus {
  return readTokenStatus(readTradingRoot(text, "GetTokenStatus", httpStatus));
}

/** The root element of a Trading answer, once its Ack says success. */
function readTradingRoot(text: string, callName: TradingCall, httpStatus: number): Record<string, unknown> {
  const operation: EbayOperation = `trading.${callName}`;
  const root = parseTradingResponse(text, `${callName}Response`);
  if (root === undefined) throw malformed(operation, httpStatus, `no ${callName}Response element`);

  const ack = asText(root.Ack);
  const errors = readTradingErrors(root.Errors);
  if (ack === "Failure" || ack === "PartialFailure") {
    const failures = errors.filter((error) => error.severity !== "Warning");
    const listed = failures.length > 0 ? failures : errors;
    throw new EbayApiError({
      kind: "trading",
      operation,
      httpStatus,
      tradingErrors: listed,
      detail: `Ack ${ack}${listed.length > 0 ? `, ${listed.map((error) => `${error.code}${error.shortMessage ? ` (${error.shortMessage})` : ""}`).join(", ")}` : ""}`,
    });
  }
  if (ack !== "Success" && ack !== "Warning") throw malformed(operation, httpStatus, "no Ack");
  return root;
}

function readTokenStatus(root: Record<string, unknown>): TokenStatus {
  const operation = "trading.GetTokenStatus";
  const tokenStatus = root.TokenStatus;
  if (typeof tokenStatus !== "object" || tokenStatus === null) {
    throw malformed(operation, 200, "no TokenStatus");
  }
  const fields = tokenStatus as Record<string, unknown>;
  const statusText = asText(fields.Status);
  if (statusText === undefined) throw malformed(operation, 200, "no TokenStatus.Status");
  const status: TokenStatusCode = (TOKEN_STATUSES as readonly string[]).includes(statusText)
    ? (statusText as TokenStatusCode)
    : "CustomCode";

  const result: TokenStatus = { status };
  const eiasToken = asText(fields.EIASToken);
  if (eiasToken) result.eiasToken = eiasToken;
  const expirationTime = asDate(fields.ExpirationTime);
  if (expirationTime) result.expirationTime = expirationTime;
  const revocationTime = asDate(fields.RevocationTime);
  if (revocationTime) result.revocationTime = revocationTime;
  const hardExpirationWarning = asDate(root.HardExpirationWarning);
  if (hardExpirationWarning) result.hardExpirationWarning = hardExpirationWarning;
  return result;
}

function escapeXml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function parseTradingResponse(text: string, rootName: string): Record<string, unknown> | undefined {
  if (!text.trimStart().startsWith("<")) return undefined;
  let document: unknown;
  try {
    document = xmlParser.parse(text);
  } catch {
    return undefined;
  }
  if (typeof document !== "object" || document === null) return undefined;
  // An answer to a request eBay could not route to the call may come under another *Response root.
  const record = document as Record<string, unknown>;
  const rootKey = rootName in record ? rootName : Object.keys(record).find((key) => key.endsWith("Response"));
  const root = rootKey === undefined ? undefined : record[rootKey];
  return typeof root === "object" && root !== null ? (root as Record<string, unknown>) : undefined;
}

function readTradingErrors(value: unknown): EbayTradingErrorDetail[] {
  if (!Array.isArray(value)) return [];
  const errors: EbayTradingErrorDetail[] = [];
  for (const entry of value as unknown[]) {
    if (typeof entry !== "object" || entry === null) continue;
    const record = entry as Record<string, unknown>;
    const code = Number(asText(record.ErrorCode));
    if (!Number.isInteger(code)) continue;
    const detail: EbayTradingErrorDetail = { code };
    const shortMessage = asText(record.ShortMessage);
    if (shortMessage !== undefined) detail.shortMessage = shortMessage;
    const longMessage = asText(record.LongMessage);
    if (longMessage !== undefined) detail.longMessage = longMessage;
    const severity = asText(record.SeverityCode);
    if (severity !== undefined) detail.severity = severity;
    const classification = asText(record.ErrorClassification);
    if (classification !== undefined) detail.classification = classification;
    errors.push(detail);
  }
  return errors;
}

function asText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

// eBay sends ISO 8601 (2027-05-01T12:00:00.000Z) and, for HardExpirationWarning, "2027-05-01 12:00:00" in GMT:
// the latter must not be read as local time.
function asDate(value: unknown): Date | undefined {
  const text = asText(value);
  if (text === undefined || text === "") return undefined;
  const gmtWithoutZone = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text);
  const date = new Date(gmtWithoutZone ? `${text.replace(" ", "T")}Z` : text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
