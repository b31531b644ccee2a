// Trading API GetTokenStatus: the only eBay call that says *why* a token stopped working
// (RevokedByUser / RevokedByApp / RevokedByeBay, with the revocation time).
import { XMLParser } from "fast-xml-parser";
import { getEbayConfig, type EbayConfig } from "@/lib/ebay/config";
import { EbayApiError, type EbayTradingErrorDetail } from "@/lib/ebay/errors";
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
  expirationTime?: Date;
  revocationTime?: Date;
  /** Only Auth'n'Auth tokens get this, from 7 days before their hard expiry. */
  hardExpirationWarning?: Date;
};

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (tagName) => tagName === "Errors",
});

export async function getTokenStatus(accessToken: string, config: EbayConfig = getEbayConfig()): Promise<TokenStatus> {
  const operation = "trading.GetTokenStatus";
  const callName = "GetTokenStatus";
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
      "X-EBAY-API-IAF-TOKEN": accessToken,
    },
    body:
      '<?xml version="1.0" encoding="utf-8"?>\n' +
      `<${callName}Request xmlns="urn:ebay:apis:eBLBaseComponents"></${callName}Request>`,
    timeoutMs: config.timeoutMs,
  });
  // Trading reports its errors as HTTP 200 + Ack=Failure; a non-200 is the transport's (5xx, 429...).
  if (response.status < 200 || response.status >= 300) throw restFailure(response, operation);
  return parseGetTokenStatusResponse(response.text, response.status);
}

/** GetTokenStatusResponse XML -> TokenStatus; Ack Failure -> EbayApiError "trading" with its error codes. */
export function parseGetTokenStatusResponse(text: string, httpStatus = 200): TokenStatus {
  const operation = "trading.GetTokenStatus";
  const root = parseTradingResponse(text, "GetTokenStatusResponse");
  if (root === undefined) throw malformed(operation, httpStatus, "no GetTokenStatusResponse element");

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

  const tokenStatus = root.TokenStatus;
  if (typeof tokenStatus !== "object" || tokenStatus === null) {
    throw malformed(operation, httpStatus, "no TokenStatus");
  }
  const fields = tokenStatus as Record<string, unknown>;
  const statusText = asText(fields.Status);
  if (statusText === undefined) throw malformed(operation, httpStatus, "no TokenStatus.Status");
  const status: TokenStatusCode = (TOKEN_STATUSES as readonly string[]).includes(statusText)
    ? (statusText as TokenStatusCode)
    : "CustomCode";

  const result: TokenStatus = { status };
  const expirationTime = asDate(fields.ExpirationTime);
  if (expirationTime) result.expirationTime = expirationTime;
  const revocationTime = asDate(fields.RevocationTime);
  if (revocationTime) result.revocationTime = revocationTime;
  const hardExpirationWarning = asDate(root.HardExpirationWarning);
  if (hardExpirationWarning) result.hardExpirationWarning = hardExpirationWarning;
  return result;
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
