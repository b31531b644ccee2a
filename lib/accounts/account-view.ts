import type { Prisma } from "@/lib/generated/prisma/client";
import { accountDisplayName } from "@/lib/accounts/account-name";

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
  tags: string[];
};

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export function toAccountView(row: AccountRow): AccountView {
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
    tags: row.tags,
  };
}

export function environmentLabel(environment: string): string {
  if (environment === "emulated") return "Emulated eBay";
  if (environment === "sandbox") return "eBay sandbox";
  return "eBay production";
}
