// Named leases so periodic work runs once per interval even when several processes run the scheduler.
// A claim is one UPDATE (compare-and-set): it succeeds only when nobody else holds an unexpired lease and
// the job's last run is at least one interval old. SQLite serialises writers, so of two racing claims
// exactly one sees the row still matching.
import type { Db } from "@/lib/db";

// A timer firing a few milliseconds early must not skip a whole interval, so "one interval old" is
// measured with a little slack; two processes still cannot both run inside one interval.
const DUE_SLACK = 0.1;

export type LeaseClaim = {
  name: string;
  owner: string;
  now: Date;
  /** The job runs at most once per this many milliseconds. */
  intervalMs: number;
  /** After this long an unreleased lease (its holder crashed) may be taken over. */
  leaseMs: number;
};

export async function claimLease(db: Db, claim: LeaseClaim): Promise<boolean> {
  await ensureLeaseRow(db, claim.name);
  const dueIfLastRunBefore = new Date(claim.now.getTime() - claim.intervalMs * (1 - DUE_SLACK));
  const claimed = await db.schedulerLease.updateMany({
    where: {
      name: claim.name,
      AND: [
        { OR: [{ leaseUntil: { lt: claim.now } }, { owner: claim.owner }] },
        { OR: [{ lastRunAt: null }, { lastRunAt: { lte: dueIfLastRunBefore } }] },
      ],
    },
    data: { owner: claim.owner, leaseUntil: new Date(claim.now.getTime() + claim.leaseMs), lastRunAt: claim.now },
  });
  return claimed.count === 1;
}

/** Ends the lease early so a takeover never has to wait for it to expire; the interval still counts from the claim. */
export async function releaseLease(db: Db, input: { name: string; owner: string; now: Date }): Promise<void> {
  await db.schedulerLease.updateMany({
    where: { name: input.name, owner: input.owner },
    data: { leaseUntil: input.now },
  });
}

async function ensureLeaseRow(db: Db, name: string): Promise<void> {
  const existing = await db.schedulerLease.findUnique({ where: { name }, select: { name: true } });
  if (existing) return;
  try {
    await db.schedulerLease.create({ data: { name, owner: "", leaseUntil: new Date(0), lastRunAt: null } });
  } catch (error) {
    // Another process created it first: that is all we wanted.
    if (!isUniqueViolation(error)) throw error;
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
