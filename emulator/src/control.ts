// The JSON control API under /__emulator/ that tests and demos drive the emulator with (see emulator/README.md).
import type { IncomingMessage, ServerResponse } from "node:http";
import { sellerFromInput, type AccountType, type SellerConfig } from "./config";
import type { EmulatorContext } from "./context";
import { FaultInputError, parseFault, type FaultRegistry } from "./faults";
import { sendJson } from "./http";
import type { DestinationName, NotificationApiDestination } from "./notification-outbox";
import { issueAuthorizationCode } from "./oauth-token";
import { revokeSeller } from "./revocation";
import { PRODUCT_SCOPES, USER_SCOPES } from "./scopes";
import { REVOKE_REASONS, type RevokeReason } from "./state";
import { authNAuthHardExpiresAtMs } from "./trading";

export interface ControlDeps {
  context: EmulatorContext;
  faults: FaultRegistry;
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function parseJsonObject(body: string): Record<string, unknown> {
  if (!body.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ControlError(400, "body must be valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ControlError(400, "body must be a JSON object");
  return parsed as Record<string, unknown>;
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.length === 0) throw new ControlError(400, `${name} must be a non-empty string`);
  return value;
}

function optionalBoolean(body: Record<string, unknown>, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw new ControlError(400, `${name} must be true or false`);
  return value;
}

function revokeReason(value: unknown, allowed: readonly RevokeReason[] = REVOKE_REASONS): RevokeReason {
  if (typeof value !== "string" || !allowed.includes(value as RevokeReason)) throw new ControlError(400, `reason must be one of ${allowed.join(", ")}`);
  return value as RevokeReason;
}

/** An endpoint named in a control request: 400 when malformed, 403 when the emulator may not send there. */
function allowedEndpoint(context: EmulatorContext, endpoint: string): string {
  const refusal = context.notifications.refusal(endpoint);
  if (!refusal) return endpoint;
  throw new ControlError(refusal.kind === "malformed" ? 400 : 403, refusal.message);
}

function publicSeller(seller: SellerConfig) {
  return {
    username: seller.username,
    userId: seller.userId,
    eiasToken: seller.eiasToken,
    accountType: seller.accountType,
    registrationMarketplaceId: seller.registrationMarketplaceId,
    status: seller.status,
  };
}

function requireSeller(context: EmulatorContext, username: string | undefined): SellerConfig {
  if (!username) throw new ControlError(400, "username is required");
  const seller = context.state.sellerByUsername(username);
  if (!seller) throw new ControlError(404, `no seller named ${username}`);
  return seller;
}

const ROUTES = [
  "health",
  "reset",
  "users",
  "users/{username}/revoke",
  "consent",
  "clock",
  "faults",
  "calls",
  "notifications/account-deletion",
  "notifications/authorization-revocation",
  "notifications/token-revocation",
  "notifications/destinations",
  "notifications/deliveries",
];

/** Long enough for any retry schedule a test sets, short enough that a forgotten wait does not hang a run. */
const MAX_WAIT_MS = 60_000;

/** Dispatches /__emulator/<route>; answers 404 / 405 JSON for anything else. */
export async function handleControl(
  deps: ControlDeps,
  request: IncomingMessage,
  response: ServerResponse,
  route: string,
  readBody: () => Promise<string>,
): Promise<void> {
  const { context, faults } = deps;
  const method = request.method ?? "GET";
  const reply = (status: number, body: unknown) => sendJson(response, status, body, { "cache-control": "no-store" });
  const wrongMethod = (allowed: string) => {
    response.setHeader("allow", allowed);
    reply(405, { error: `method ${method} not allowed; use ${allowed}` });
  };
  try {
    if (route === "health") {
      if (method !== "GET") return wrongMethod("GET");
      reply(200, {
        status: "ok",
        clock: context.clock.snapshot(),
        apps: context.config.apps.map((app) => ({ clientId: app.clientId, ruNames: app.ruNames.map((entry) => entry.ruName) })),
        sellers: context.state.sellersByUsername.size,
      });
      return;
    }
    if (route === "reset") {
      if (method !== "POST") return wrongMethod("POST");
      context.state.reset();
      context.notifications.reset();
      faults.clear();
      reply(200, { status: "reset", clock: context.clock.snapshot() });
      return;
    }
    if (route === "users") {
      if (method !== "POST") return wrongMethod("POST");
      reply(201, { user: publicSeller(createSeller(context, parseJsonObject(await readBody()))) });
      return;
    }
    const revokeMatch = /^users\/([^/]+)\/revoke$/.exec(route);
    if (revokeMatch) {
      if (method !== "POST") return wrongMethod("POST");
      const seller = requireSeller(context, decodeURIComponent(revokeMatch[1]!));
      reply(200, revokeSeller(context, seller, revokeReason(parseJsonObject(await readBody()).reason)));
      return;
    }
    if (route === "consent") {
      if (method !== "POST") return wrongMethod("POST");
      reply(200, { location: consent(context, parseJsonObject(await readBody())) });
      return;
    }
    if (route === "clock") {
      if (method === "GET") {
        reply(200, context.clock.snapshot());
        return;
      }
      if (method !== "POST") return wrongMethod("GET, POST");
      const advance = parseJsonObject(await readBody()).advanceSeconds;
      if (typeof advance !== "number" || !Number.isFinite(advance) || advance < 0) {
        throw new ControlError(400, "advanceSeconds must be a non-negative number");
      }
      context.clock.advance(advance);
      context.state.changed();
      reply(200, context.clock.snapshot());
      return;
    }
    if (route === "faults") {
      if (method === "DELETE") {
        const cleared = faults.list().length;
        faults.clear();
        reply(200, { cleared });
        return;
      }
      if (method !== "POST") return wrongMethod("POST, DELETE");
      let fault;
      try {
        fault = parseFault(parseJsonObject(await readBody()));
      } catch (error) {
        if (error instanceof FaultInputError) throw new ControlError(400, error.message);
        throw error;
      }
      faults.add(fault);
      reply(201, { fault: { ...fault, count: fault.remaining } });
      return;
    }
    if (route === "calls") {
      if (method !== "GET") return wrongMethod("GET");
      reply(200, context.state.calls);
      return;
    }
    if (route === "notifications/account-deletion") {
      if (method !== "POST") return wrongMethod("POST");
      const body = parseJsonObject(await readBody());
      const seller = requireSeller(context, optionalString(body, "username"));
      const destination = notificationApiDestination(context, body, "accountDeletion", "EBAY_EMULATOR_NOTIFICATION_ENDPOINT and _VERIFICATION_TOKEN");
      reply(200, await context.notifications.sendAccountDeletion(seller, destination, optionalBoolean(body, "forgeSignature")));
      return;
    }
    if (route === "notifications/authorization-revocation") {
      if (method !== "POST") return wrongMethod("POST");
      const body = parseJsonObject(await readBody());
      const seller = requireSeller(context, optionalString(body, "username"));
      const reason = body.reason === undefined ? "REVOKED_BY_USER" : revokeReason(body.reason);
      const destination = notificationApiDestination(context, body, "authorizationRevocation", "EBAY_EMULATOR_AUTHORIZATION_REVOCATION_ENDPOINT and _VERIFICATION_TOKEN");
      const product = context.config.apps[0]!;
      const delivery = context.notifications.authorizationRevoked(
        seller,
        product.clientId,
        { revokedAtMs: context.clock.nowMs(), reason },
        { destination, forgeSignature: optionalBoolean(body, "forgeSignature") },
      );
      reply(202, { delivery });
      return;
    }
    if (route === "notifications/token-revocation") {
      if (method !== "POST") return wrongMethod("POST");
      const body = parseJsonObject(await readBody());
      const seller = requireSeller(context, optionalString(body, "username"));
      // Auth'n'Auth tokens survive a password change, so TokenRevocation has no status for it.
      const reason = body.reason === undefined ? "REVOKED_BY_USER" : revokeReason(body.reason, ["REVOKED_BY_USER", "REVOKED_BY_EBAY", "REVOKED_BY_APP"]);
      const given = optionalString(body, "endpoint");
      const endpoint = given ? allowedEndpoint(context, given) : context.notifications.destinations().platformNotifications?.endpoint;
      if (!endpoint) throw new ControlError(400, "no Platform Notifications endpoint: set EBAY_EMULATOR_PLATFORM_NOTIFICATION_ENDPOINT or pass endpoint");
      const product = context.config.apps[0]!;
      const delivery = context.notifications.authNAuthTokenRevoked(
        seller,
        product.clientId,
        newestAuthNAuthExpiry(context, seller, product.clientId),
        { revokedAtMs: context.clock.nowMs(), reason },
        { endpoint, forgeSignature: optionalBoolean(body, "forgeSignature") },
      );
      reply(202, { delivery });
      return;
    }
    if (route === "notifications/destinations") {
      if (method === "POST") setDestinations(context, parseJsonObject(await readBody()));
      else if (method !== "GET") return wrongMethod("GET, POST");
      reply(200, describeDestinations(context));
      return;
    }
    if (route === "notifications/deliveries") {
      if (method !== "GET") return wrongMethod("GET");
      const query = new URL(request.url ?? "/", "http://emulator.invalid").searchParams;
      const filter = { topic: query.get("topic") ?? undefined, username: query.get("username") ?? undefined };
      const waitMs = query.has("waitMs") ? Number(query.get("waitMs")) : 0;
      if (!Number.isInteger(waitMs) || waitMs < 0 || waitMs > MAX_WAIT_MS) throw new ControlError(400, `waitMs must be whole milliseconds from 0 to ${MAX_WAIT_MS}`);
      await context.notifications.waitUntilSettled(filter, waitMs);
      const deliveries = context.notifications.deliveries(filter);
      const counts = { pending: 0, delivered: 0, failed: 0 };
      for (const delivery of deliveries) counts[delivery.state]++;
      reply(200, { counts, deliveries });
      return;
    }
    reply(404, { error: `unknown control route /__emulator/${route}`, routes: ROUTES.map((name) => `/__emulator/${name}`) });
  } catch (error) {
    if (error instanceof ControlError) reply(error.status, { error: error.message });
    else throw error;
  }
}

const ACCOUNT_TYPES: readonly AccountType[] = ["BUSINESS", "INDIVIDUAL"];

function createSeller(context: EmulatorContext, body: Record<string, unknown>): SellerConfig {
  const username = optionalString(body, "username");
  if (!username || !/^[A-Za-z0-9._-]{2,64}$/.test(username)) throw new ControlError(400, "username must be 2-64 letters, digits, . _ or -");
  const accountType = optionalString(body, "accountType")?.toUpperCase();
  if (accountType && !ACCOUNT_TYPES.includes(accountType as AccountType)) throw new ControlError(400, "accountType must be BUSINESS or INDIVIDUAL");
  const marketplaceId = optionalString(body, "marketplaceId");
  if (marketplaceId && !/^EBAY_[A-Z_]{2,8}$/.test(marketplaceId)) throw new ControlError(400, "marketplaceId must look like EBAY_US");
  const userId = optionalString(body, "userId");
  if (context.state.sellerByUsername(username)) throw new ControlError(409, `seller ${username} already exists`);
  const seller = sellerFromInput(
    { username, password: optionalString(body, "password"), userId, accountType: accountType as AccountType | undefined, marketplaceId },
    context.clock.now(),
  );
  if (context.state.sellersById.has(seller.userId)) throw new ControlError(409, `userId ${seller.userId} is already taken`);
  context.state.addSeller(seller);
  context.state.changed();
  return seller;
}

/**
 * The Notification API destination a trigger route sends to: the request's endpoint / verificationToken, each
 * falling back to the current destination's.
 */
function notificationApiDestination(
  context: EmulatorContext,
  body: Record<string, unknown>,
  name: "accountDeletion" | "authorizationRevocation",
  variables: string,
): NotificationApiDestination {
  const current = context.notifications.destinations()[name];
  const given = optionalString(body, "endpoint");
  const endpoint = given ? allowedEndpoint(context, given) : current?.endpoint;
  const verificationToken = optionalString(body, "verificationToken") ?? current?.verificationToken;
  if (!endpoint || !verificationToken) throw new ControlError(400, `no notification endpoint: set ${variables} or pass endpoint and verificationToken`);
  return { endpoint, verificationToken };
}

/** When the seller holds an Auth'n'Auth token of the product app, its expiry; otherwise that of one issued now. */
function newestAuthNAuthExpiry(context: EmulatorContext, seller: SellerConfig, clientId: string): number {
  let newest: number | undefined;
  for (const token of context.state.authNAuthTokens.values()) {
    if (token.userId === seller.userId && token.clientId === clientId && (newest === undefined || token.hardExpiresAtMs > newest)) newest = token.hardExpiresAtMs;
  }
  return newest ?? authNAuthHardExpiresAtMs(context.clock.nowMs());
}

const DESTINATION_NAMES: readonly DestinationName[] = ["accountDeletion", "authorizationRevocation", "platformNotifications"];

/** Validates the whole request before changing anything, so a refused field leaves every destination as it was. */
function setDestinations(context: EmulatorContext, body: Record<string, unknown>): void {
  const unknown = Object.keys(body).filter((key) => !DESTINATION_NAMES.includes(key as DestinationName));
  if (unknown.length > 0) throw new ControlError(400, `unknown destinations: ${unknown.join(", ")}; use ${DESTINATION_NAMES.join(", ")}`);
  const changes: Array<() => void> = [];
  for (const name of DESTINATION_NAMES) {
    if (!(name in body)) continue;
    const value = body[name];
    if (value === null) {
      changes.push(() => context.notifications.setDestination(name, undefined));
      continue;
    }
    if (typeof value !== "object" || Array.isArray(value)) throw new ControlError(400, `${name} must be an object or null`);
    const fields = value as Record<string, unknown>;
    const endpoint = optionalString(fields, "endpoint");
    if (!endpoint) throw new ControlError(400, `${name}.endpoint is required`);
    allowedEndpoint(context, endpoint);
    if (name === "platformNotifications") {
      changes.push(() => context.notifications.setDestination(name, { endpoint }));
      continue;
    }
    const verificationToken = optionalString(fields, "verificationToken");
    if (!verificationToken) throw new ControlError(400, `${name}.verificationToken is required`);
    changes.push(() => context.notifications.setDestination(name, { endpoint, verificationToken }));
  }
  for (const change of changes) change();
}

/** Destinations without their verification tokens: the control API never echoes a secret. */
function describeDestinations(context: EmulatorContext) {
  const current = context.notifications.destinations();
  const withToken = (destination: NotificationApiDestination | undefined) => (destination ? { endpoint: destination.endpoint, verificationTokenSet: true } : null);
  return {
    accountDeletion: withToken(current.accountDeletion),
    authorizationRevocation: withToken(current.authorizationRevocation),
    platformNotifications: current.platformNotifications ? { endpoint: current.platformNotifications.endpoint } : null,
    allowedEndpoints: context.notifications.allowed(),
    retryDelaysMs: context.notifications.retryDelaysMs(),
  };
}

function consent(context: EmulatorContext, body: Record<string, unknown>): string {
  const seller = requireSeller(context, optionalString(body, "username"));
  const clientId = optionalString(body, "clientId") ?? context.config.apps[0]!.clientId;
  const app = context.appsByClientId.get(clientId);
  if (!app) throw new ControlError(404, `no app with clientId ${clientId}`);
  const ruNameValue = optionalString(body, "ruName") ?? app.ruNames[0]?.ruName;
  const ruName = app.ruNames.find((entry) => entry.ruName === ruNameValue);
  if (!ruName) throw new ControlError(404, `app ${clientId} has no RuName ${ruNameValue ?? ""}`);
  let scopes = PRODUCT_SCOPES;
  if (body.scopes !== undefined) {
    const requested = typeof body.scopes === "string" ? body.scopes.split(/\s+/).filter(Boolean) : body.scopes;
    if (!Array.isArray(requested) || requested.length === 0 || requested.some((scope) => typeof scope !== "string" || !USER_SCOPES.has(scope))) {
      throw new ControlError(400, "scopes must be a non-empty list of known eBay scope URLs");
    }
    scopes = requested as string[];
  }
  const state = body.state === undefined ? undefined : String(body.state);
  return issueAuthorizationCode(context, { app, ruName: ruName.ruName, acceptUrl: ruName.acceptUrl, seller, scopes: [...new Set(scopes)], state });
}
