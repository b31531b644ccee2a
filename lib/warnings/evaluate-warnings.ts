// Turns account states into warnings without flapping. For every account it keeps three columns:
//   observedStatus / observedSince: the (alert-relevant) status last seen and since when it has held;
//   alertedStatus: the problem a warning was last raised for (null once healed or never alerted).
// A problem alerts only once it has held (needs_reauth: N consecutive failed checks or a hold time;
// eBay unavailable: a long hold), once per episode; healing after an alert raises one "recovered" note.
// Every write is idempotent or a compare-and-set, and each warning's dedupeKey is unique, so two
// processes evaluating at once, or a retry after a crash, never raise the same warning twice.
import type { Db } from "@/lib/db";
import { accountDisplayName } from "@/lib/accounts/account-name";
import { isUniqueViolation } from "@/lib/db-errors";
import { addJob } from "@/lib/jobs/add-job";
import { deliverWarningJob } from "@/lib/warnings/warning-jobs";
import { webhookPayload } from "@/lib/warnings/deliver-warning";
import { queueWebhookEvent } from "@/lib/webhooks/deliveries";
import { WARNING_EVENT_TYPES } from "@/lib/webhooks/events";
import { warningDaysOf } from "@/lib/warnings/alert-settings";
import { logUnexpectedError } from "@/lib/actions/log-unexpected-error";
import type { WarningConfig } from "@/lib/upkeep/upkeep-config";
import {
  authNAuthExpiringCopy,
  expiringCopy,
  needsReauthCopy,
  recoveredCopy,
  unavailableCopy,
  type WarningAccount,
  type WarningCopy,
  type WarningKind,
} from "@/lib/warnings/warning-copy";

const DAY_MS = 86_400_000;
const PROBLEM_STATUSES = new Set(["needs_reauth", "ebay_unavailable"]);

export type RaisedWarning = { id: string; workspaceId: string; accountId: string; kind: WarningKind };

export type WarningEvaluation = { raised: RaisedWarning[]; resolved: number };

const ACCOUNT_SELECT = {
  id: true,
  workspaceId: true,
  ebayUserId: true,
  ebayUsername: true,
  nickname: true,
  status: true,
  statusCause: true,
  verdictStatus: true,
  verdictCause: true,
  failureStreak: true,
  refreshTokenExpiresAt: true,
  authNAuthExpiresAt: true,
  observedStatus: true,
  observedSince: true,
  alertedStatus: true,
} as const;

type EvaluatedAccount = {
  id: string;
  workspaceId: string;
  ebayUserId: string;
  ebayUsername: string | null;
  nickname: string | null;
  status: string;
  statusCause: string | null;
  verdictStatus: string;
  verdictCause: string | null;
  failureStreak: number;
  refreshTokenExpiresAt: Date | null;
  authNAuthExpiresAt: Date | null;
  observedStatus: string | null;
  observedSince: Date | null;
  alertedStatus: string | null;
};

type OpenWarning = { id: string; accountId: string | null; kind: string; dedupeKey: string };

/**
 * The status that matters for alerting. eBay failing on top of a token it already refused is still a
 * refused token: the definite verdict wins, so an outage never "heals" or re-raises a needs_reauth episode.
 */
export function alertStatusOf(account: { status: string; verdictStatus: string }): string {
  if (account.status === "ebay_unavailable" && account.verdictStatus === "needs_reauth") return "needs_reauth";
  return account.status;
}

export async function evaluateWarnings(db: Db, input: { now: Date; config: WarningConfig; workspaceId?: string }): Promise<WarningEvaluation> {
  const { now, config } = input;
  const scope = input.workspaceId ? { workspaceId: input.workspaceId } : {};
  const [accounts, openWarnings] = await Promise.all([
    db.ebayAccount.findMany({
      where: { ...scope, OR: [{ status: { not: "disconnected" } }, { alertedStatus: { not: null } }, { observedStatus: { not: "disconnected" } }] },
      select: ACCOUNT_SELECT,
    }),
    db.warning.findMany({
      where: { ...scope, resolvedAt: null, accountId: { not: null } },
      select: { id: true, accountId: true, kind: true, dedupeKey: true },
    }),
  ]);
  const openByAccount = new Map<string, OpenWarning[]>();
  for (const warning of openWarnings) {
    const list = openByAccount.get(warning.accountId!) ?? [];
    list.push(warning);
    openByAccount.set(warning.accountId!, list);
  }
  const warningDaysByWorkspace = new Map<string, number>();
  const evaluation: WarningEvaluation = { raised: [], resolved: 0 };

  for (const account of accounts) {
    let warningDays = warningDaysByWorkspace.get(account.workspaceId);
    if (warningDays === undefined) {
      warningDays = await warningDaysOf(db, account.workspaceId);
      warningDaysByWorkspace.set(account.workspaceId, warningDays);
    }
    try {
      await evaluateAccount(db, { account, open: openByAccount.get(account.id) ?? [], now, config, warningDays, evaluation });
    } catch (error) {
      // One account's failure must not silence everyone else's warnings; the next sweep tries it again.
      logUnexpectedError(`warnings evaluation (account ${account.id})`, error);
    }
  }
  return evaluation;
}

async function evaluateAccount(
  db: Db,
  context: { account: EvaluatedAccount; open: OpenWarning[]; now: Date; config: WarningConfig; warningDays: number; evaluation: WarningEvaluation },
): Promise<void> {
  const { account, open, now, config, evaluation } = context;
  const status = alertStatusOf(account);
  let observedSince = account.observedSince ?? now;

  if (status !== account.observedStatus) {
    const observed = await db.ebayAccount.updateMany({
      where: { id: account.id, observedStatus: account.observedStatus },
      data: { observedStatus: status, observedSince: now },
    });
    // Another process saw the change first; it evaluates this account on its own.
    if (observed.count !== 1) return;
    observedSince = now;
  }

  const warningAccount: WarningAccount = {
    id: account.id,
    name: accountDisplayName(account),
    statusCause: account.statusCause,
    verdictStatus: account.verdictStatus,
    verdictCause: account.verdictCause,
    refreshTokenExpiresAt: account.refreshTokenExpiresAt,
  };
  const heldMs = now.getTime() - observedSince.getTime();
  const resolve = async (predicate: (warning: OpenWarning) => boolean) => {
    const ids = open.filter(predicate).map((warning) => warning.id);
    if (ids.length === 0) return;
    const resolved = await db.warning.updateMany({ where: { id: { in: ids }, resolvedAt: null }, data: { resolvedAt: now } });
    evaluation.resolved += resolved.count;
  };
  const setAlerted = (next: string | null) =>
    db.ebayAccount.updateMany({ where: { id: account.id, alertedStatus: account.alertedStatus }, data: { alertedStatus: next } });

  if (status === "disconnected") {
    // The seller removed the account on purpose: nothing about it needs attention any more.
    await resolve(() => true);
    if (account.alertedStatus !== null) await setAlerted(null);
    return;
  }

  if (status === "needs_reauth") {
    await resolve((warning) => warning.kind === "unavailable" || warning.kind === "expiring");
    const held = account.failureStreak >= config.holdChecks || heldMs >= config.holdSeconds * 1000;
    if (held && account.alertedStatus !== "needs_reauth") {
      const raised = await raise(db, account, "needs_reauth", `status:${account.id}:needs_reauth:${observedSince.toISOString()}`, needsReauthCopy(warningAccount), now, config);
      if (raised) evaluation.raised.push(raised);
      await setAlerted("needs_reauth");
    }
    return;
  }

  if (status === "ebay_unavailable") {
    const held = heldMs >= config.unavailableHoldSeconds * 1000;
    if (held && account.alertedStatus === null) {
      const copy = unavailableCopy(warningAccount, heldMs / 3_600_000);
      const raised = await raise(db, account, "unavailable", `status:${account.id}:unavailable:${observedSince.toISOString()}`, copy, now, config);
      if (raised) evaluation.raised.push(raised);
      await setAlerted("ebay_unavailable");
    }
  } else if (status === "healthy" && account.alertedStatus !== null && PROBLEM_STATUSES.has(account.alertedStatus)) {
    await resolve((warning) => warning.kind === "needs_reauth" || warning.kind === "unavailable");
    const raised = await raise(db, account, "recovered", `recovered:${account.id}:${observedSince.toISOString()}`, recoveredCopy(warningAccount), now, config, { resolved: true });
    if (raised) evaluation.raised.push(raised);
    await setAlerted(null);
  }

  await evaluateExpiry(db, { ...context, warningAccount, resolve });
}

/**
 * One warning per threshold (the workspace's window, then the final week), and only the tightest one
 * crossed: an account found 5 days before expiry gets the 7-day warning, not both. The threshold key
 * includes the expiry date, so a re-created token (new expiry) starts over. Each token the account holds is warned
 * about on its own: the OAuth refresh token, and the Auth'n'Auth token (whose dedupe keys carry their own prefix).
 */
async function evaluateExpiry(
  db: Db,
  context: {
    account: EvaluatedAccount;
    open: OpenWarning[];
    now: Date;
    config: WarningConfig;
    warningDays: number;
    evaluation: WarningEvaluation;
    warningAccount: WarningAccount;
    resolve: (predicate: (warning: OpenWarning) => boolean) => Promise<void>;
  },
): Promise<void> {
  const { account, open, now, config, warningDays, evaluation, warningAccount, resolve } = context;
  const thresholds = [...new Set([warningDays, config.finalExpiryDays])].filter((days) => days <= warningDays).sort((a, b) => a - b);
  const tokens = [
    {
      prefix: "expiring:",
      expiresAt: account.refreshTokenExpiresAt,
      copy: (expiresAt: Date) => expiringCopy({ ...warningAccount, refreshTokenExpiresAt: expiresAt }, now),
    },
    {
      prefix: "expiring-authnauth:",
      expiresAt: account.authNAuthExpiresAt,
      copy: (expiresAt: Date) => authNAuthExpiringCopy(warningAccount, expiresAt, now),
    },
  ];
  for (const token of tokens) {
    const ofThisToken = (warning: OpenWarning) => warning.kind === "expiring" && warning.dedupeKey.startsWith(token.prefix);
    const expiresAt = token.expiresAt;
    const daysLeft = expiresAt ? (expiresAt.getTime() - now.getTime()) / DAY_MS : Infinity;
    const tightest = thresholds.find((days) => daysLeft <= days);
    if (!expiresAt || tightest === undefined) {
      await resolve(ofThisToken);
      continue;
    }
    const dedupeKey = `${token.prefix}${account.id}:${expiresAt.getTime()}:${tightest}`;
    await resolve((warning) => ofThisToken(warning) && warning.dedupeKey !== dedupeKey);
    if (open.some((warning) => warning.dedupeKey === dedupeKey)) continue;
    const raised = await raise(db, account, "expiring", dedupeKey, token.copy(expiresAt), now, config);
    if (raised) evaluation.raised.push(raised);
  }
}

async function raise(
  db: Db,
  account: EvaluatedAccount,
  kind: WarningKind,
  dedupeKey: string,
  copy: WarningCopy,
  now: Date,
  config: WarningConfig,
  options: { resolved?: boolean } = {},
): Promise<RaisedWarning | null> {
  try {
    // Raised and queued for delivery together: a warning never exists without its email job and its webhook events.
    const workspace = await db.workspace.findUnique({ where: { id: account.workspaceId }, select: { id: true, name: true } });
    const warning = await db.$transaction(async (transaction) => {
      const created = await transaction.warning.create({
        data: {
        workspaceId: account.workspaceId,
        accountId: account.id,
        accountName: accountDisplayName(account),
        kind,
        title: copy.title,
        message: copy.message,
        fixPath: copy.fixPath,
        dedupeKey,
        createdAt: now,
        resolvedAt: options.resolved ? now : null,
        },
        select: { id: true },
      });
      await addJob(transaction, deliverWarningJob(created.id));
      const accountName = accountDisplayName(account);
      const warningFacts = { kind, accountId: account.id, accountName, title: copy.title, message: copy.message, fixPath: copy.fixPath };
      await queueWebhookEvent(
        transaction,
        {
          workspaceId: account.workspaceId,
          type: WARNING_EVENT_TYPES[kind],
          data: {
            account: { id: account.id, name: accountName, ebayUserId: account.ebayUserId },
            status: account.status,
            cause: account.statusCause,
            title: copy.title,
            message: copy.message,
            fixUrl: `${config.appUrl}${copy.fixPath}`,
            ...(kind === "expiring"
              ? {
                  refreshTokenExpiresAt: account.refreshTokenExpiresAt?.toISOString() ?? null,
                  authNAuthExpiresAt: account.authNAuthExpiresAt?.toISOString() ?? null,
                  token: dedupeKey.startsWith("expiring-authnauth:") ? "authnauth" : "oauth",
                }
              : {}),
          },
          legacyWarningBody: webhookPayload(
            warningFacts,
            workspace ?? { id: account.workspaceId, name: "" },
            { status: account.status, statusCause: account.statusCause },
            config,
            now,
          ),
        },
        now,
      );
      return created;
    });
    return { id: warning.id, workspaceId: account.workspaceId, accountId: account.id, kind };
  } catch (error) {
    // Raised already (another process, or this one before a crash): the unique key is the proof.
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}
