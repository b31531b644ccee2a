// eBay's rate limits and daily quotas belong to the application: a 429 or a quota running low for one workspace is
// true for all of them, and for every process. So the pause is one row in the database (EbayCallPause), and every
// worker forbids the jobs flagged "ebay" while it holds: they stay queued, untouched, and start when it ends.
import type { Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { EBAY_FLAG } from "@/lib/jobs/task-names";

const SCOPE = "all";

/** A pause this process set itself holds here at once; other processes see it at their next read. */
let pausedHereUntil = 0;

/** Pauses every eBay-calling job until `until` (never shortens a longer pause already in place). */
export async function pauseEbayCalls(db: Db, until: Date, reason: string): Promise<void> {
  pausedHereUntil = Math.max(pausedHereUntil, until.getTime());
  await db.$executeRaw(Prisma.sql`
    INSERT INTO "EbayCallPause" ("scope", "pausedUntil", "reason", "updatedAt")
    VALUES (${SCOPE}, ${until}, ${reason}, now())
    ON CONFLICT ("scope") DO UPDATE SET
      "reason" = CASE WHEN EXCLUDED."pausedUntil" > "EbayCallPause"."pausedUntil" THEN EXCLUDED."reason" ELSE "EbayCallPause"."reason" END,
      "pausedUntil" = GREATEST("EbayCallPause"."pausedUntil", EXCLUDED."pausedUntil"),
      "updatedAt" = now()`);
}

/** The pause in force, if any (wall time: it is about eBay's Retry-After and quota reset, compared as such). */
export async function currentEbayPause(db: Db, at: Date = new Date()): Promise<{ until: Date; reason: string } | null> {
  const pause = await db.ebayCallPause.findUnique({ where: { scope: SCOPE } });
  return pause && pause.pausedUntil > at ? { until: pause.pausedUntil, reason: pause.reason } : null;
}

/**
 * graphile-worker's forbiddenFlags: asked before every job fetch, so it reads the pause at most once per `cacheMs`
 * (a pause set by another process starts here within that; any pause ends within it plus the worker's poll interval).
 */
export function ebayPauseForbiddenFlags(db: Db, cacheMs = 500): () => Promise<string[] | null> {
  let readAt = 0;
  let pausedUntil = 0;
  let reading: Promise<void> | null = null;
  return async () => {
    if (Date.now() - readAt >= cacheMs) {
      reading ??= currentEbayPause(db)
        .then((pause) => {
          pausedUntil = pause?.until.getTime() ?? 0;
          readAt = Date.now();
        })
        // An unreadable pause (database briefly away) is no pause: the job's own handling copes with eBay.
        .catch(() => {
          readAt = Date.now();
        })
        .finally(() => {
          reading = null;
        });
      await reading;
    }
    return Date.now() < Math.max(pausedUntil, pausedHereUntil) ? [EBAY_FLAG] : null;
  };
}
