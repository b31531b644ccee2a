// POST /ws/api.dll: the Trading API calls a token keeper needs (GetTokenStatus, GetUser, RevokeToken, GetSessionID,
// FetchToken). eBay answers every outcome with HTTP 200 and an Ack/Errors envelope, so this file never sends 4xx.
import type { IncomingMessage, ServerResponse } from "node:http";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { AppConfig, SellerConfig } from "./config";
import type { EmulatorContext } from "./context";
import { TRADING_ERRORS, type TradingError } from "./ebay-errors";
import { header, sendText } from "./http";
import { revokeAuthNAuthToken, revokeGrant } from "./revocation";
import type { AccessTokenRecord, AuthNAuthTokenRecord, Revocation, RevokeReason } from "./state";
import { newAuthNAuthToken, newSessionId } from "./tokens";

export const XMLNS = "urn:ebay:apis:eBLBaseComponents";
export const TRADING_VERSION = "1349";
export const TRADING_BUILD = "E1349_CORE_APISIGNIN_19146596_R1";
const SUPPORTED_CALLS = new Set(["GetTokenStatus", "GetUser", "RevokeToken", "GetSessionID", "FetchToken"]);
const SESSION_LIFETIME_MS = 5 * 60 * 1000;
const HARD_EXPIRATION_WARNING_MS = 7 * 86_400_000;

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, removeNSPrefix: true });

export function escapeXml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Renders nested fields as XML elements, in insertion order (eBay's schema order matters to strict parsers). */
function toXml(fields: Record<string, unknown>, indent = "  "): string {
  let out = "";
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (typeof value === "object" && value !== null) {
      out += `${indent}<${name}>\n${toXml(value as Record<string, unknown>, indent + "  ")}${indent}</${name}>\n`;
    } else {
      out += `${indent}<${name}>${escapeXml(String(value))}</${name}>\n`;
    }
  }
  return out;
}

function errorsXml(errors: TradingError[]): string {
  return errors
    .map(
      (error) =>
        `  <Errors>\n    <ShortMessage>${escapeXml(error.shortMessage)}</ShortMessage>\n    <LongMessage>${escapeXml(error.longMessage)}</LongMessage>\n` +
        `    <ErrorCode>${error.code}</ErrorCode>\n    <SeverityCode>Error</SeverityCode>\n    <ErrorClassification>${error.classification ?? "RequestError"}</ErrorClassification>\n  </Errors>\n`,
    )
    .join("");
}

export function tradingEnvelope(
  context: EmulatorContext,
  callName: string,
  outcome: { errors?: TradingError[]; fields?: Record<string, unknown>; hardExpirationWarning?: string },
): string {
  const failed = (outcome.errors?.length ?? 0) > 0;
  const rootName = `${callName && /^[A-Za-z]+$/.test(callName) ? callName : "Generic"}Response`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${rootName} xmlns="${XMLNS}">\n` +
    `  <Timestamp>${context.clock.now().toISOString()}</Timestamp>\n  <Ack>${failed ? "Failure" : "Success"}</Ack>\n` +
    errorsXml(outcome.errors ?? []) +
    `  <Version>${TRADING_VERSION}</Version>\n  <Build>${TRADING_BUILD}</Build>\n` +
    (outcome.hardExpirationWarning ? `  <HardExpirationWarning>${outcome.hardExpirationWarning}</HardExpirationWarning>\n` : "") +
    (failed ? "" : toXml(outcome.fields ?? {})) +
    `</${rootName}>`
  );
}

export function sendTradingXml(response: ServerResponse, xml: string): void {
  sendText(response, 200, "text/xml;charset=utf-8", xml);
}

type Caller =
  | { kind: "oauth"; record: AccessTokenRecord; seller: SellerConfig; revocation?: Revocation }
  | { kind: "authnauth"; token: string; record: AuthNAuthTokenRecord; seller: SellerConfig; revocation?: Revocation; hardExpired: boolean };

export const STATUS_BY_REASON: Record<RevokeReason, string> = {
  REVOKED_BY_USER: "RevokedByUser",
  REVOKED_BY_EBAY: "RevokedByeBay",
  REVOKED_BY_APP: "RevokedByApp",
  // [UNCONFIRMED] eBay has no RevokedBy* value for a password change; the token is reported Invalid.
  PASSWORD_CHANGE: "Invalid",
};

function stringField(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

function resolveCaller(context: EmulatorContext, request: IncomingMessage, callName: string, fields: Record<string, unknown>): Caller | TradingError {
  const statusCall = callName === "GetTokenStatus";
  const iafToken = header(request, "x-ebay-api-iaf-token");
  const nowMs = context.clock.nowMs();
  if (iafToken) {
    const record = context.state.accessTokens.get(iafToken.replace(/^Bearer\s+/i, ""));
    const seller = record?.userId ? context.state.sellersById.get(record.userId) : undefined;
    if (!record || record.kind !== "user" || !seller) return TRADING_ERRORS.iafTokenInvalid;
    if (nowMs >= record.expiresAtMs) {
      const code = context.config.expiredIafErrorCode;
      return code === 931 ? TRADING_ERRORS.authTokenInvalid : code === 21917053 ? TRADING_ERRORS.iafTokenExpired : TRADING_ERRORS.authTokenHardExpired;
    }
    const revocation = context.state.accessTokenRevocation(record);
    // GetTokenStatus exists to report a revocation, so it answers for revoked tokens; every other call refuses them.
    if (revocation && !statusCall) return TRADING_ERRORS.authTokenInvalid;
    return { kind: "oauth", record, seller, revocation };
  }
  const credentials = fields.RequesterCredentials as Record<string, unknown> | undefined;
  const authToken = stringField(credentials?.eBayAuthToken);
  if (!authToken) return TRADING_ERRORS.noCredentials;
  const record = context.state.authNAuthTokens.get(authToken);
  const seller = record ? context.state.sellersById.get(record.userId) : undefined;
  if (!record || !seller) return TRADING_ERRORS.authTokenInvalid;
  const hardExpired = nowMs >= record.hardExpiresAtMs;
  if (record.revocation && !statusCall) return TRADING_ERRORS.authTokenInvalid;
  if (hardExpired && !statusCall) return TRADING_ERRORS.authTokenHardExpired;
  return { kind: "authnauth", token: authToken, record, seller, revocation: record.revocation, hardExpired };
}

function appFromHeaders(context: EmulatorContext, request: IncomingMessage): AppConfig | undefined {
  const app = context.appsByClientId.get(header(request, "x-ebay-api-app-name") ?? "");
  if (!app || app.devId !== header(request, "x-ebay-api-dev-name") || app.clientSecret !== header(request, "x-ebay-api-cert-name")) return undefined;
  return app;
}

/** eBay's documented format for HardExpirationWarning: "YYYY-MM-DD HH:MM:SS" (GMT). */
function warningTime(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, "");
}

const SITE_BY_MARKETPLACE: Record<string, string> = {
  EBAY_US: "US",
  EBAY_GB: "UK",
  EBAY_DE: "Germany",
  EBAY_AU: "Australia",
  EBAY_FR: "France",
  EBAY_IT: "Italy",
  EBAY_ES: "Spain",
  EBAY_CA: "Canada",
  EBAY_AT: "Austria",
  EBAY_NL: "Netherlands",
};

export function handleTrading(context: EmulatorContext, request: IncomingMessage, response: ServerResponse, body: string): void {
  const callName = header(request, "x-ebay-api-call-name")?.trim() ?? "";
  if (callName) context.state.countTradingCall(callName);
  const reply = (outcome: Parameters<typeof tradingEnvelope>[2]) => sendTradingXml(response, tradingEnvelope(context, callName, outcome));

  if (!SUPPORTED_CALLS.has(callName)) {
    reply({ errors: [TRADING_ERRORS.unsupportedCall(callName)] });
    return;
  }
  const validation = body.trim() ? XMLValidator.validate(body) : { err: { code: "InvalidXml", msg: "Premature end of file.", line: 1, col: 1 } };
  if (validation !== true) {
    reply({ errors: [TRADING_ERRORS.xmlParse(`${validation.err.msg} (line ${validation.err.line}, column ${validation.err.col})`)] });
    return;
  }
  const document = parser.parse(body) as Record<string, unknown>;
  const fields = ((document[`${callName}Request`] ?? Object.values(document).find((value) => typeof value === "object")) ?? {}) as Record<string, unknown>;

  if (callName === "GetSessionID" || callName === "FetchToken") {
    const app = appFromHeaders(context, request);
    if (!app) {
      reply({ errors: [TRADING_ERRORS.invalidApplication] });
      return;
    }
    if (!context.state.consumeQuota(app.clientId, "TradingAPI")) {
      reply({ errors: [TRADING_ERRORS.usageLimit] });
      return;
    }
    reply(callName === "GetSessionID" ? getSessionId(context, app, fields) : fetchToken(context, app, fields));
    return;
  }

  const caller = resolveCaller(context, request, callName, fields);
  if ("code" in caller) {
    reply({ errors: [caller] });
    return;
  }
  if (!context.state.consumeQuota(caller.record.clientId, "TradingAPI", caller.seller.userId)) {
    reply({ errors: [TRADING_ERRORS.usageLimit] });
    return;
  }
  const nowMs = context.clock.nowMs();
  const hardExpirationWarning =
    caller.kind === "authnauth" && !caller.hardExpired && nowMs >= caller.record.hardExpiresAtMs - HARD_EXPIRATION_WARNING_MS
      ? warningTime(caller.record.hardExpiresAtMs)
      : undefined;

  if (callName === "GetTokenStatus") reply({ fields: tokenStatus(caller), hardExpirationWarning });
  else if (callName === "GetUser") reply({ fields: { User: userFields(caller.seller) }, hardExpirationWarning });
  else {
    revokeToken(context, caller);
    reply({ fields: {}, hardExpirationWarning });
  }
}

function tokenStatus(caller: Caller): Record<string, unknown> {
  const expirationMs = caller.kind === "oauth" ? caller.record.expiresAtMs : caller.record.hardExpiresAtMs;
  let status = "Active";
  if (caller.revocation) status = STATUS_BY_REASON[caller.revocation.reason];
  else if (caller.kind === "authnauth" && caller.hardExpired) status = "Expired";
  return {
    TokenStatus: {
      Status: status,
      EIASToken: caller.seller.eiasToken,
      ExpirationTime: new Date(expirationMs).toISOString(),
      RevocationTime: caller.revocation ? new Date(caller.revocation.revokedAtMs).toISOString() : undefined,
    },
  };
}

function userFields(seller: SellerConfig): Record<string, unknown> {
  const business = seller.accountType === "BUSINESS";
  return {
    AboutMePage: "false",
    EIASToken: seller.eiasToken,
    Email: seller.email,
    FeedbackScore: "0",
    PositiveFeedbackPercent: "0.0",
    FeedbackPrivate: "false",
    IDVerified: "true",
    eBayGoodStanding: "true",
    NewUser: "false",
    RegistrationDate: seller.registrationDate,
    Site: SITE_BY_MARKETPLACE[seller.registrationMarketplaceId] ?? "US",
    Status: seller.status === "CONFIRMED" ? "Confirmed" : seller.status === "UNCONFIRMED" ? "Unconfirmed" : "AccountOnHold",
    UserID: seller.username,
    UserIDChanged: "false",
    UserIDLastChanged: seller.registrationDate,
    VATStatus: business ? "VATTax" : "NoVATTax",
    SellerInfo: {
      AllowPaymentEdit: "true",
      CheckoutEnabled: "true",
      CIPBankAccountStored: "false",
      GoodStanding: "true",
      QualifiesForB2BVAT: business ? "true" : "false",
      SellerBusinessType: business ? "Commercial" : "Private",
      StoreOwner: business ? "true" : "false",
      SafePaymentExempt: "false",
    },
    BusinessRole: "FullMarketPlaceParticipant",
    EBaySubscription: undefined,
    UserSubscription: undefined,
    MotorsDealer: "false",
  };
}

/**
 * [UNCONFIRMED] RevokeToken with an Auth'n'Auth token revokes that token (eBay documents a TokenRevocation Platform
 * Notification for exactly this); with an OAuth token it revokes the grant (and AUTHORIZATION_REVOCATION is sent).
 */
function revokeToken(context: EmulatorContext, caller: Caller): void {
  const revocation: Revocation = { revokedAtMs: context.clock.nowMs(), reason: "REVOKED_BY_APP" };
  if (caller.kind === "authnauth") {
    revokeAuthNAuthToken(context, caller.record, revocation);
    return;
  }
  const grant = caller.record.grantId ? context.state.grantsById.get(caller.record.grantId) : undefined;
  if (grant) revokeGrant(context, grant, revocation);
  else {
    caller.record.revocation ??= revocation;
    context.state.changed();
  }
}

function getSessionId(context: EmulatorContext, app: AppConfig, fields: Record<string, unknown>): Parameters<typeof tradingEnvelope>[2] {
  const ruName = stringField(fields.RuName);
  if (!ruName || !app.ruNames.some((entry) => entry.ruName === ruName)) return { errors: [TRADING_ERRORS.invalidRuName] };
  const sessionId = newSessionId();
  context.state.sessions.set(sessionId, {
    sessionId,
    clientId: app.clientId,
    ruName,
    expiresAtMs: context.clock.nowMs() + SESSION_LIFETIME_MS,
    fetched: false,
  });
  context.state.changed();
  return { fields: { SessionID: sessionId } };
}

/** Auth'n'Auth tokens last 18 months (calendar months, as eBay's HardExpirationTime shows). */
export function authNAuthHardExpiresAtMs(issuedAtMs: number): number {
  const date = new Date(issuedAtMs);
  date.setUTCMonth(date.getUTCMonth() + 18);
  return date.getTime();
}

function fetchToken(context: EmulatorContext, app: AppConfig, fields: Record<string, unknown>): Parameters<typeof tradingEnvelope>[2] {
  const sessionId = stringField(fields.SessionID);
  const session = sessionId ? context.state.sessions.get(sessionId) : undefined;
  const nowMs = context.clock.nowMs();
  if (!session || session.clientId !== app.clientId || session.fetched || nowMs >= session.expiresAtMs) return { errors: [TRADING_ERRORS.invalidSession] };
  const seller = session.userId ? context.state.sellersById.get(session.userId) : undefined;
  if (!seller) return { errors: [TRADING_ERRORS.sessionNotSignedIn] };
  session.fetched = true;
  const token = newAuthNAuthToken(seller.eiasToken);
  const hardExpiresAtMs = authNAuthHardExpiresAtMs(nowMs);
  context.state.authNAuthTokens.set(token, { clientId: app.clientId, userId: seller.userId, issuedAtMs: nowMs, hardExpiresAtMs });
  context.state.changed();
  return { fields: { eBayAuthToken: token, HardExpirationTime: new Date(hardExpiresAtMs).toISOString() } };
}
