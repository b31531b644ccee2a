// Every way a seller's authorization ends, in one place, so each path marks the same records and queues the same
// notifications: the control API's revoke (by the seller, by eBay, by the app, or a password change), the app's own
// token revoke endpoint, and Trading RevokeToken.
import type { SellerConfig } from "./config";
import type { EmulatorContext } from "./context";
import type { DeliveryRecord } from "./notification-outbox";
import type { AuthNAuthTokenRecord, GrantRecord, Revocation, RevokeReason } from "./state";

/** What a revoking call reports about the notifications it queued (delivered in the background). */
export interface QueuedNotification {
  id: string;
  topic: DeliveryRecord["topic"];
  endpoint: string;
}

function queued(record: DeliveryRecord | undefined): QueuedNotification[] {
  return record ? [{ id: record.id, topic: record.topic, endpoint: record.endpoint }] : [];
}

/**
 * Revokes one OAuth grant (its refresh token and every access token minted from it). Queues AUTHORIZATION_REVOCATION
 * when the grant was still alive: an expired grant ended on its own and nothing new happened to it.
 */
export function revokeGrant(context: EmulatorContext, grant: GrantRecord, revocation: Revocation): QueuedNotification[] {
  if (grant.revocation) return [];
  grant.revocation = revocation;
  context.state.changed();
  const seller = context.state.sellersById.get(grant.userId);
  if (!seller || revocation.revokedAtMs >= grant.refreshExpiresAtMs) return [];
  return queued(context.notifications.authorizationRevoked(seller, grant.clientId, revocation));
}

/** Revokes one Auth'n'Auth token; queues a TokenRevocation Platform Notification when it had not hard-expired. */
export function revokeAuthNAuthToken(context: EmulatorContext, token: AuthNAuthTokenRecord, revocation: Revocation): QueuedNotification[] {
  if (token.revocation) return [];
  token.revocation = revocation;
  context.state.changed();
  const seller = context.state.sellersById.get(token.userId);
  if (!seller || revocation.revokedAtMs >= token.hardExpiresAtMs) return [];
  return queued(context.notifications.authNAuthTokenRevoked(seller, token.clientId, token.hardExpiresAtMs, revocation));
}

export interface SellerRevocationResult {
  username: string;
  userId: string;
  reason: RevokeReason;
  revocationTime: string;
  revoked: { refreshTokens: number; accessTokens: number; authNAuthTokens: number };
  notifications: QueuedNotification[];
}

/**
 * Revokes every token the seller holds, for every app. [UNCONFIRMED] PASSWORD_CHANGE spares Auth'n'Auth tokens, as
 * eBay documents that they survive a password change while OAuth refresh tokens do not. One AUTHORIZATION_REVOCATION
 * per app that lost a live grant (the payload names the seller, not the grant), one TokenRevocation per live
 * Auth'n'Auth token (each carries its own ExpirationTime).
 */
export function revokeSeller(context: EmulatorContext, seller: SellerConfig, reason: RevokeReason): SellerRevocationResult {
  const revocation: Revocation = { revokedAtMs: context.clock.nowMs(), reason };
  let refreshTokens = 0;
  let accessTokens = 0;
  let authNAuthTokens = 0;
  const appsThatLostALiveGrant = new Set<string>();
  for (const grant of context.state.grantsById.values()) {
    if (grant.userId !== seller.userId || grant.revocation) continue;
    grant.revocation = revocation;
    refreshTokens++;
    if (revocation.revokedAtMs < grant.refreshExpiresAtMs) appsThatLostALiveGrant.add(grant.clientId);
  }
  for (const token of context.state.accessTokens.values()) {
    if (token.userId === seller.userId && !token.revocation) {
      token.revocation = revocation;
      accessTokens++;
    }
  }
  const notifications: QueuedNotification[] = [];
  for (const clientId of appsThatLostALiveGrant) notifications.push(...queued(context.notifications.authorizationRevoked(seller, clientId, revocation)));
  if (reason !== "PASSWORD_CHANGE") {
    for (const token of context.state.authNAuthTokens.values()) {
      if (token.userId !== seller.userId || token.revocation) continue;
      notifications.push(...revokeAuthNAuthToken(context, token, revocation));
      authNAuthTokens++;
    }
  }
  context.state.changed();
  return {
    username: seller.username,
    userId: seller.userId,
    reason,
    revocationTime: new Date(revocation.revokedAtMs).toISOString(),
    revoked: { refreshTokens, accessTokens, authNAuthTokens },
    notifications,
  };
}
