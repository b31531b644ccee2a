// The JSON control API under /__emulator/ that tests and demos drive the emulator with (see emulator/README.md).
import type { IncomingMessage, ServerResponse } from "node:http";
import { sellerFromInput, type AccountType, type SellerConfig } from "./config";
import type { EmulatorContext } from "./context";
import { FaultInputError, parseFault, type FaultRegistry } from "./faults";
import { sendJson } from "./http";
import { issueAuthorizationCode } from "./oauth-token";
import { sendAccountDeletion, type SigningKey } from "./notifications";
import { PRODUCT_SCOPES, USER_SCOPES } from "./scopes";
import { REVOKE_REASONS, type Revocation, type RevokeReason } from "./state";

export interface ControlDeps {
  context: EmulatorContext;
  faults: FaultRegistry;
  signingKey: SigningKey;
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

const ROUTES = ["health", "reset", "users", "consent", "clock", "faults", "calls", "notifications/account-deletion"];

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
      const reason = parseJsonObject(await readBody()).reason;
      if (typeof reason !== "string" || !REVOKE_REASONS.includes(reason as RevokeReason)) {
        throw new ControlError(400, `reason must be one of ${REVOKE_REASONS.join(", ")}`);
      }
      reply(200, revokeSeller(context, seller, reason as RevokeReason));
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
      const endpoint = optionalString(body, "endpoint") ?? context.config.notification.endpoint;
      const verificationToken = optionalString(body, "verificationToken") ?? context.config.notification.verificationToken;
      if (!endpoint || !verificationToken) {
        throw new ControlError(400, "no notification endpoint: set EBAY_EMULATOR_NOTIFICATION_ENDPOINT and _VERIFICATION_TOKEN or pass endpoint and verificationToken");
      }
      try {
        new URL(endpoint);
      } catch {
        throw new ControlError(400, "endpoint must be an absolute URL");
      }
      reply(200, await sendAccountDeletion(context, deps.signingKey, seller, { endpoint, verificationToken }));
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
 * Revokes every token the seller holds, for every app. [UNCONFIRMED] PASSWORD_CHANGE spares Auth'n'Auth tokens, as
 * eBay documents that they survive a password change while OAuth refresh tokens do not.
 */
function revokeSeller(context: EmulatorContext, seller: SellerConfig, reason: RevokeReason) {
  const revocation: Revocation = { revokedAtMs: context.clock.nowMs(), reason };
  let grants = 0;
  let accessTokens = 0;
  let authNAuthTokens = 0;
  for (const grant of context.state.grantsById.values()) {
    if (grant.userId === seller.userId && !grant.revocation) {
      grant.revocation = revocation;
      grants++;
    }
  }
  for (const token of context.state.accessTokens.values()) {
    if (token.userId === seller.userId && !token.revocation) {
      token.revocation = revocation;
      accessTokens++;
    }
  }
  if (reason !== "PASSWORD_CHANGE") {
    for (const token of context.state.authNAuthTokens.values()) {
      if (token.userId === seller.userId && !token.revocation) {
        token.revocation = revocation;
        authNAuthTokens++;
      }
    }
  }
  context.state.changed();
  return {
    username: seller.username,
    userId: seller.userId,
    reason,
    revocationTime: new Date(revocation.revokedAtMs).toISOString(),
    revoked: { refreshTokens: grants, accessTokens, authNAuthTokens },
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
