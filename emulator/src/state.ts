// Everything the emulator remembers: sellers, codes, grants (refresh tokens), access tokens, Auth'n'Auth tokens,
// sessions, quota usage and call counters. Plain records in Maps so it serialises to the optional state file.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { VirtualClock } from "./clock";
import type { EmulatorConfig, SellerConfig } from "./config";

export type RevokeReason = "REVOKED_BY_USER" | "REVOKED_BY_EBAY" | "REVOKED_BY_APP" | "PASSWORD_CHANGE";
export const REVOKE_REASONS: readonly RevokeReason[] = ["REVOKED_BY_USER", "REVOKED_BY_EBAY", "REVOKED_BY_APP", "PASSWORD_CHANGE"];

export interface Revocation {
  revokedAtMs: number;
  reason: RevokeReason;
}

export interface AuthorizationCodeRecord {
  code: string;
  clientId: string;
  ruName: string;
  userId: string;
  scopes: string[];
  expiresAtMs: number;
  used: boolean;
}

/** One consent = one refresh token; access tokens minted from it die with it. */
export interface GrantRecord {
  id: string;
  clientId: string;
  userId: string;
  scopes: string[];
  refreshToken: string;
  issuedAtMs: number;
  refreshExpiresAtMs: number;
  revocation?: Revocation;
}

export interface AccessTokenRecord {
  kind: "user" | "application";
  clientId: string;
  userId?: string;
  grantId?: string;
  scopes: string[];
  issuedAtMs: number;
  expiresAtMs: number;
  revocation?: Revocation;
}

export interface AuthNAuthTokenRecord {
  clientId: string;
  userId: string;
  issuedAtMs: number;
  hardExpiresAtMs: number;
  revocation?: Revocation;
}

export interface AuthNAuthSessionRecord {
  sessionId: string;
  clientId: string;
  ruName: string;
  expiresAtMs: number;
  /** Set when the seller signed in and agreed on the Auth'n'Auth page. */
  userId?: string;
  fetched: boolean;
}

/** A browser authorize request between the first GET and the seller's Agree / Not now. */
export interface PendingAuthorization {
  id: string;
  kind: "oauth" | "authnauth";
  clientId: string;
  ruName: string;
  scopes: string[];
  state?: string;
  sessionId?: string;
  forceLogin: boolean;
  expiresAtMs: number;
}

export interface CallCounters {
  total: number;
  byPath: Record<string, number>;
  byTradingCall: Record<string, number>;
  byGrantType: Record<string, number>;
  refreshesByUserId: Record<string, number>;
  refreshesByUsername: Record<string, number>;
}

export type QuotaBucket = "authorization_code" | "refresh_token" | "client_credentials" | "TradingAPI" | "Identity" | "DeveloperAnalytics" | "Notification";

interface QuotaUsage {
  day: number;
  /** `${clientId} ${bucket}` -> calls */
  byApp: Record<string, number>;
  /** `${clientId} ${bucket} ${userId}` -> calls */
  byUser: Record<string, number>;
}

interface PersistedState {
  version: 1;
  clockOffsetSeconds: number;
  sellers: SellerConfig[];
  codes: AuthorizationCodeRecord[];
  grants: GrantRecord[];
  accessTokens: Array<[string, AccessTokenRecord]>;
  authNAuthTokens: Array<[string, AuthNAuthTokenRecord]>;
  sessions: AuthNAuthSessionRecord[];
  quota: QuotaUsage;
  calls: CallCounters;
}

function emptyCounters(): CallCounters {
  return { total: 0, byPath: {}, byTradingCall: {}, byGrantType: {}, refreshesByUserId: {}, refreshesByUsername: {} };
}

function increment(record: Record<string, number>, key: string, by = 1): void {
  record[key] = (record[key] ?? 0) + by;
}

export class EmulatorState {
  sellersByUsername = new Map<string, SellerConfig>();
  sellersById = new Map<string, SellerConfig>();
  codes = new Map<string, AuthorizationCodeRecord>();
  grantsById = new Map<string, GrantRecord>();
  grantsByRefreshToken = new Map<string, GrantRecord>();
  accessTokens = new Map<string, AccessTokenRecord>();
  authNAuthTokens = new Map<string, AuthNAuthTokenRecord>();
  sessions = new Map<string, AuthNAuthSessionRecord>();
  calls: CallCounters = emptyCounters();
  /** Browser-only state; deliberately not persisted. */
  pendingAuthorizations = new Map<string, PendingAuthorization>();
  /** Sign-in cookie value -> userId. */
  signIns = new Map<string, string>();
  private quota: QuotaUsage = { day: 0, byApp: {}, byUser: {} };
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: EmulatorConfig,
    private readonly clock: VirtualClock,
  ) {
    this.reset();
    this.load();
  }

  /** Back to the seeded state: seeded sellers only, no tokens, zero counters, clock at real time. */
  reset(): void {
    this.sellersByUsername.clear();
    this.sellersById.clear();
    for (const seller of this.config.sellers) this.addSeller({ ...seller });
    this.codes.clear();
    this.grantsById.clear();
    this.grantsByRefreshToken.clear();
    this.accessTokens.clear();
    this.authNAuthTokens.clear();
    this.sessions.clear();
    this.pendingAuthorizations.clear();
    this.signIns.clear();
    this.calls = emptyCounters();
    this.quota = { day: this.clock.dayNumber(), byApp: {}, byUser: {} };
    this.clock.setOffsetSeconds(0);
    this.changed();
  }

  addSeller(seller: SellerConfig): void {
    this.sellersByUsername.set(seller.username.toLowerCase(), seller);
    this.sellersById.set(seller.userId, seller);
  }

  sellerByUsername(username: string): SellerConfig | undefined {
    return this.sellersByUsername.get(username.trim().toLowerCase());
  }

  addGrant(grant: GrantRecord): void {
    this.grantsById.set(grant.id, grant);
    this.grantsByRefreshToken.set(grant.refreshToken, grant);
  }

  /** Effective revocation of an access token: its own, or the grant it was minted from. */
  accessTokenRevocation(record: AccessTokenRecord): Revocation | undefined {
    if (record.revocation) return record.revocation;
    return record.grantId ? this.grantsById.get(record.grantId)?.revocation : undefined;
  }

  countCall(path: string): void {
    this.calls.total++;
    increment(this.calls.byPath, path);
  }

  countTradingCall(callName: string): void {
    increment(this.calls.byTradingCall, callName);
  }

  countGrantType(grantType: string): void {
    increment(this.calls.byGrantType, grantType);
  }

  countRefreshFor(seller: SellerConfig): void {
    increment(this.calls.refreshesByUserId, seller.userId);
    increment(this.calls.refreshesByUsername, seller.username);
  }

  private currentQuota(): QuotaUsage {
    const day = this.clock.dayNumber();
    if (this.quota.day !== day) this.quota = { day, byApp: {}, byUser: {} };
    return this.quota;
  }

  quotaLimit(bucket: QuotaBucket): number {
    switch (bucket) {
      case "authorization_code":
        return this.config.quotas.authorizationCode;
      case "refresh_token":
        return this.config.quotas.refreshToken;
      case "client_credentials":
        return this.config.quotas.clientCredentials;
      case "Notification":
        return this.config.quotas.notification;
      default:
        return this.config.quotas.api;
    }
  }

  /** Counts one call against the app's daily quota; false when the quota was already used up (call refused). */
  consumeQuota(clientId: string, bucket: QuotaBucket, userId?: string): boolean {
    const usage = this.currentQuota();
    const key = `${clientId} ${bucket}`;
    if ((usage.byApp[key] ?? 0) >= this.quotaLimit(bucket)) return false;
    increment(usage.byApp, key);
    if (userId) increment(usage.byUser, `${key} ${userId}`);
    return true;
  }

  quotaUsed(clientId: string, bucket: QuotaBucket, userId?: string): number {
    const usage = this.currentQuota();
    const key = `${clientId} ${bucket}`;
    return (userId ? usage.byUser[`${key} ${userId}`] : usage.byApp[key]) ?? 0;
  }

  /** Seconds until the quotas reset (virtual midnight UTC). */
  secondsUntilQuotaReset(): number {
    return Math.max(1, Math.ceil((this.clock.nextMidnightMs() - this.clock.nowMs()) / 1000));
  }

  /** Schedules a save of the state file; a no-op when persistence is off. */
  changed(): void {
    if (!this.config.stateFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.save();
    }, 250);
    this.saveTimer.unref();
  }

  save(): void {
    if (!this.config.stateFile) return;
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
    }
    const persisted: PersistedState = {
      version: 1,
      clockOffsetSeconds: this.clock.offsetSeconds,
      sellers: [...this.sellersByUsername.values()],
      codes: [...this.codes.values()],
      grants: [...this.grantsById.values()],
      accessTokens: [...this.accessTokens.entries()],
      authNAuthTokens: [...this.authNAuthTokens.entries()],
      sessions: [...this.sessions.values()],
      quota: this.quota,
      calls: this.calls,
    };
    const temporary = `${this.config.stateFile}.tmp`;
    // The state holds the emulated sellers' tokens: readable by its owner only (rename keeps the mode).
    writeFileSync(temporary, JSON.stringify(persisted), { mode: 0o600 });
    renameSync(temporary, this.config.stateFile);
  }

  private load(): void {
    if (!this.config.stateFile || !existsSync(this.config.stateFile)) return;
    const persisted = JSON.parse(readFileSync(this.config.stateFile, "utf8")) as PersistedState;
    if (persisted.version !== 1) return;
    this.clock.setOffsetSeconds(persisted.clockOffsetSeconds);
    this.sellersByUsername.clear();
    this.sellersById.clear();
    for (const seller of persisted.sellers) this.addSeller(seller);
    for (const code of persisted.codes) this.codes.set(code.code, code);
    for (const grant of persisted.grants) this.addGrant(grant);
    this.accessTokens = new Map(persisted.accessTokens);
    this.authNAuthTokens = new Map(persisted.authNAuthTokens);
    for (const session of persisted.sessions) this.sessions.set(session.sessionId, session);
    this.quota = persisted.quota;
    this.calls = persisted.calls;
  }
}
