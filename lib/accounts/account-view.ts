import type { Prisma } from "@/lib/generated/prisma/client";
import { accountDisplayName } from "@/lib/accounts/account-name";
import { isProvisionalEbayUserId } from "@/lib/accounts/provisional-user-id";
import { credentialStates } from "@/lib/tokens/credentials";

// What pages and the JSON API show of an account: never a token, only facts about them.
export const ACCOUNT_VIEW_SELECT = {
  id: true,
  environment: true,
  ebayUserId: true,
  ebayUsername: true,
  nickname: true,
  marketplaceId: true,
  accountType: true,
  scopes: true,
  status: true,
  statusCause: true,
  statusMessage: true,
  verdictStatus: true,
  verdictCause: true,
  accessTokenExpiresAt: true,
  refreshTokenExpiresAt: true,
  connectedAt: true,
  lastCheckedAt: true,
  lastHealthyAt: true,
  lastRefreshedAt: true,
  failureStreak: true,
  disconnectedAt: true,
  oauthStatus: true,
  oauthCause: true,
  authNAuthExpiresAt: true,
  authNAuthGrantedAt: true,
  authNAuthStatus: true,
  authNAuthCause: true,
  authNAuthEbayWarningAt: true,
  tags: true,
} as const;

type AccountRow = Prisma.EbayAccountGetPayload<{ select: typeof ACCOUNT_VIEW_SELECT }>;

/** JSON-safe account summary (dates as ISO strings) shared by server pages and client components. */
export type AccountView = {
  id: string;
  name: string;
  nickname: string | null;
  ebayUsername: string | null;
  ebayUserId: string;
  environment: string;
  marketplaceId: string | null;
  accountType: string | null;
  scopes: string[];
  status: string;
  statusCause: string | null;
  statusMessage: string | null;
  verdictStatus: string;
  verdictCause: string | null;
  accessTokenExpiresAt: string | null;
  refreshTokenExpiresAt: string | null;
  connectedAt: string;
  lastCheckedAt: string | null;
  lastHealthyAt: string | null;
  lastRefreshedAt: string | null;
  failureStreak: number;
  disconnectedAt: string | null;
  /** False while the account is known only through an Auth'n'Auth token (no OAuth consent has named its userId). */
  ebayUserIdKnown: boolean;
  /** Each credential the account holds, with its own last verdict; null when it holds none of that kind. */
  oauth: CredentialView | null;
  authNAuth: (CredentialView & { ebayWarnedAt: string | null }) | null;
  /** Configured OAuth scopes this account has not granted: "needs consent for new permissions" (not an error). */
  missingScopes: string[];
  tags: string[];
};

export type CredentialView = { status: string; cause: string | null; expiresAt: string | null };

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/**
 * `configuredScopes`: what ChannelKeys asks eBay for now (getEbayConfig().scopes on the server); an OAuth account that
 * granted fewer is flagged.
 */
export function toAccountView(row: AccountRow, configuredScopes: readonly string[]): AccountView {
  const credentials = credentialStates(row);
  const granted = new Set(row.scopes.split(" ").filter(Boolean));
  return {
    id: row.id,
    name: accountDisplayName(row),
    nickname: row.nickname,
    ebayUsername: row.ebayUsername,
    ebayUserId: row.ebayUserId,
    environment: row.environment,
    marketplaceId: row.marketplaceId,
    accountType: row.accountType,
    scopes: row.scopes.split(" ").filter(Boolean),
    status: row.status,
    statusCause: row.statusCause,
    statusMessage: row.statusMessage,
    verdictStatus: row.verdictStatus,
    verdictCause: row.verdictCause,
    accessTokenExpiresAt: iso(row.accessTokenExpiresAt),
    refreshTokenExpiresAt: iso(row.refreshTokenExpiresAt),
    connectedAt: row.connectedAt.toISOString(),
    lastCheckedAt: iso(row.lastCheckedAt),
    lastHealthyAt: iso(row.lastHealthyAt),
    lastRefreshedAt: iso(row.lastRefreshedAt),
    failureStreak: row.failureStreak,
    disconnectedAt: iso(row.disconnectedAt),
    ebayUserIdKnown: !isProvisionalEbayUserId(row.ebayUserId),
    oauth: credentials.oauth ? { ...credentials.oauth, expiresAt: iso(row.refreshTokenExpiresAt) } : null,
    authNAuth: credentials.authNAuth
      ? { ...credentials.authNAuth, expiresAt: iso(row.authNAuthExpiresAt), ebayWarnedAt: iso(row.authNAuthEbayWarningAt) }
      : null,
    missingScopes: credentials.oauth && row.status !== "disconnected" ? configuredScopes.filter((scope) => !granted.has(scope)) : [],
    tags: row.tags,
  };
}

export function environmentLabel(environment: string): string {
  if (environment === "emulated") return "Emulated eBay";
  if (environment === "sandbox") return "eBay sandbox";
  return "eBay production";
}
