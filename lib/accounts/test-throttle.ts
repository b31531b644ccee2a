import "server-only";
import type { Db } from "@/lib/db";
import { now } from "@/lib/clock";
import { UserFacingError } from "@/lib/actions/user-facing-error";
import { hitBucket, releaseHit, type RateLimitRule } from "@/lib/auth/rate-limit";
import type { AccountTestResult } from "@/lib/accounts/test-account";

// Manual Tests spend calls from one eBay quota that every workspace shares, so one tenant clicking (or
// scripting) Test must not be able to drain it. Two limits, counted in RateLimitBucket so every server process
// shares them, on wall time (a quota is real time; the product clock can jump in tests):
// - per account: a short burst, then the last check's result instead of a new call. A burst, not a strict
//   one-per-interval rule, because "Test, fix it at eBay, Test again" within seconds is ordinary use;
// - per workspace: beyond it a Test is refused with the wait.

export type ManualTestLimits = { perAccount: RateLimitRule; perWorkspace: RateLimitRule };

function positiveWholeNumber(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

export function manualTestLimitsFromEnv(env: Record<string, string | undefined> = process.env): ManualTestLimits {
  return {
    // 6 a minute: one every 10 s on average.
    perAccount: { limit: positiveWholeNumber(env.TEST_LIMIT_PER_ACCOUNT_PER_MINUTE, 6), windowMs: 60_000 },
    perWorkspace: { limit: positiveWholeNumber(env.TEST_LIMIT_PER_WORKSPACE_PER_10_MINUTES, 120), windowMs: 10 * 60_000 },
  };
}

export type ManualTestGate =
  /** Ask eBay. */
  | { kind: "test" }
  /** Tested often enough just now: this is the last check's result, eBay was not asked again. */
  | { kind: "reused"; result: AccountTestResult };

/** Counts a manual Test of the account against both limits and says whether it may ask eBay. */
export async function gateManualTest(
  client: Db,
  input: { workspaceId: string; accountId: string },
  options: { limits?: ManualTestLimits; at?: Date } = {},
): Promise<ManualTestGate> {
  const limits = options.limits ?? manualTestLimitsFromEnv();
  const at = options.at ?? new Date();

  const accountHit = await hitBucket(client, `account-test:account:${input.accountId}`, limits.perAccount, at);
  if (accountHit.count > limits.perAccount.limit) {
    const last = await client.tokenCheck.findFirst({
      where: { accountId: input.accountId, workspaceId: input.workspaceId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
    const waitSeconds = Math.max(1, Math.ceil((accountHit.windowStart.getTime() + limits.perAccount.windowMs - at.getTime()) / 1000));
    if (!last) {
      // Only when those Tests are all still at eBay: nothing recorded yet to answer with.
      throw new UserFacingError(`This account is being tested already. Try again in ${waitSeconds} seconds.`, "rate_limited");
    }
    const secondsAgo = Math.max(0, Math.round((now().getTime() - last.createdAt.getTime()) / 1000));
    return {
      kind: "reused",
      result: {
        accountId: input.accountId,
        status: last.verdict,
        cause: last.cause,
        message:
          `${last.message ?? ""} (Result of the check ${secondsAgo === 0 ? "just now" : `${secondsAgo} s ago`}: this account was ` +
          `tested ${limits.perAccount.limit} times within a minute, so eBay was not asked again. Test again in ${waitSeconds} s for a new check.)`.trim(),
        refreshed: false,
        ebayCalls: 0,
      },
    };
  }

  const workspaceHit = await hitBucket(client, `account-test:workspace:${input.workspaceId}`, limits.perWorkspace, at);
  if (workspaceHit.count > limits.perWorkspace.limit) {
    // Refused before eBay: it does not count against the account either.
    await releaseHit(client, accountHit);
    const minutes = Math.max(1, Math.ceil((workspaceHit.windowStart.getTime() + limits.perWorkspace.windowMs - at.getTime()) / 60_000));
    throw new UserFacingError(
      `This workspace has run ${limits.perWorkspace.limit} Tests in the last ${limits.perWorkspace.windowMs / 60_000} minutes, the most ` +
        `ChannelKeys allows so the eBay call quota shared by all workspaces lasts. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`,
      "rate_limited",
    );
  }
  return { kind: "test" };
}
