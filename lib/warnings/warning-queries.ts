// Reads for the in-app side of warnings: the banner, the header count and the notifications page.
import type { Db } from "@/lib/db";

export type AttentionAccount = { accountId: string; accountName: string; title: string; fixPath: string; kind: string };

/** Accounts with an unresolved warning (recoveries are notes, not problems), one entry per account, worst first. */
export async function listAccountsNeedingAttention(db: Db, workspaceId: string): Promise<AttentionAccount[]> {
  const open = await db.warning.findMany({
    where: { workspaceId, resolvedAt: null, kind: { not: "recovered" }, accountId: { not: null } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { accountId: true, accountName: true, title: true, fixPath: true, kind: true },
    take: 500,
  });
  const severity: Record<string, number> = { needs_reauth: 0, unavailable: 1, expiring: 2 };
  const byAccount = new Map<string, AttentionAccount>();
  for (const warning of open) {
    const current = byAccount.get(warning.accountId!);
    if (current && (severity[current.kind] ?? 9) <= (severity[warning.kind] ?? 9)) continue;
    byAccount.set(warning.accountId!, {
      accountId: warning.accountId!,
      accountName: warning.accountName ?? warning.accountId!,
      title: warning.title,
      fixPath: warning.fixPath ?? `/accounts/${warning.accountId}`,
      kind: warning.kind,
    });
  }
  return [...byAccount.values()].sort((a, b) => (severity[a.kind] ?? 9) - (severity[b.kind] ?? 9) || a.accountName.localeCompare(b.accountName));
}

/** Warnings this member has not marked read (read marks are per member: WarningRead). */
export function countUnreadWarnings(db: Db, input: { workspaceId: string; userId: string }): Promise<number> {
  return db.warning.count({ where: { workspaceId: input.workspaceId, reads: { none: { userId: input.userId } } } });
}

export const NOTIFICATIONS_PAGE_SIZE = 100;

/** The newest warnings, each with whether this member has read it. */
export async function listWarnings(db: Db, input: { workspaceId: string; userId: string }) {
  const warnings = await db.warning.findMany({
    where: { workspaceId: input.workspaceId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: NOTIFICATIONS_PAGE_SIZE,
    include: { reads: { where: { userId: input.userId }, select: { readAt: true } } },
  });
  return warnings.map(({ reads, ...warning }) => ({ ...warning, readAt: reads[0]?.readAt ?? null }));
}
