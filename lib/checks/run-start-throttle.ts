import "server-only";
import type { Db } from "@/lib/db";
import { UserFacingError } from "@/lib/actions/user-facing-error";
import { hitBucket, releaseHit, type BucketHit, type RateLimitRule } from "@/lib/auth/rate-limit";

// Every bulk check spends calls from one eBay quota that all workspaces share: a workspace may start only so
// many runs in a window (counted in RateLimitBucket, shared by every server process, on wall time). Scheduler
// runs are not counted: they check only accounts that are due.

export function checkRunStartLimitFromEnv(env: Record<string, string | undefined> = process.env): RateLimitRule {
  const limit = Number(env.CHECK_RUN_START_LIMIT_PER_WORKSPACE_PER_10_MINUTES);
  return { limit: Number.isInteger(limit) && limit > 0 ? limit : 20, windowMs: 10 * 60_000 };
}

/**
 * Counts one run start for the workspace, or refuses it (UserFacingError, code "rate_limited") with the wait.
 * Give the hit back with releaseCheckRunStart when the run is then not created.
 */
export async function reserveCheckRunStart(
  client: Db,
  workspaceId: string,
  options: { rule?: RateLimitRule; at?: Date } = {},
): Promise<BucketHit> {
  const rule = options.rule ?? checkRunStartLimitFromEnv();
  const at = options.at ?? new Date();
  const hit = await hitBucket(client, `check-run-start:workspace:${workspaceId}`, rule, at);
  if (hit.count > rule.limit) {
    const minutes = Math.max(1, Math.ceil((hit.windowStart.getTime() + rule.windowMs - at.getTime()) / 60_000));
    throw new UserFacingError(
      `This workspace has started ${rule.limit} bulk checks in the last ${rule.windowMs / 60_000} minutes, the most ChannelKeys ` +
        `allows so the eBay call quota shared by all workspaces lasts. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`,
      "rate_limited",
    );
  }
  return hit;
}

export async function releaseCheckRunStart(client: Db, hit: BucketHit): Promise<void> {
  await releaseHit(client, hit);
}
