// Sends raised warnings by email and webhook. Each channel is marked sent (emailedAt / webhookSentAt)
// right after it succeeds, so a failure or a restart retries only what did not go out. A delivery that
// keeps failing is retried on every sweep until WARNING_DELIVERY_GIVE_UP_HOURS after the warning was
// raised; the last error is kept on the warning (deliveryError) and shown on the notifications page.
//
// Exactly once, even with two processes: the sweep runs under the scheduler's lease, but a lease can run
// out under a slow endpoint, so every warning is also claimed (compare-and-set with an expiry) before
// anything is sent, and only the claim's holder sends. Which channels are due is decided per warning
// after the claim, from the fresh row: a channel that is not set up is not due, and a warning with
// nothing due is marked settled and leaves the pending query for good, so it cannot crowd out newer
// ones. The sweep pages through every pending warning (keyset order, no cap), and a workspace whose
// webhook failed is not posted to again in the same sweep, so one dead endpoint costs one timeout.
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db";
import type { WarningConfig } from "@/lib/upkeep/upkeep-config";
import { resolveAlertSettings, type ResolvedAlertSettings } from "@/lib/warnings/alert-settings";
import { sendMail } from "@/lib/warnings/smtp-client";
import { postWebhook, type WebhookPayload } from "@/lib/warnings/webhook";
import { webhookPrivateTargetsAllowed } from "@/lib/warnings/webhook-target";
import { absoluteUrl } from "@/lib/warnings/warning-copy";

export type DeliveryReport = {
  emailed: number;
  webhooks: number;
  failed: number;
  /** False when the sweep stopped early because keepGoing said so (its lease was lost). */
  completed: boolean;
};

export type DeliveryInput = {
  /** The app clock: what "sent at" and the give-up window are measured on. */
  now: Date;
  config: WarningConfig;
  workspaceId?: string;
  /** Who claims warnings (default: a fresh id per call). */
  owner?: string;
  /** Wall clock for claim expiry: claims are about processes, not the app clock (default: new Date()). */
  wallNow?: () => Date;
  /**
   * Asked before each warning; false stops the sweep (the caller lost its lease). The scheduler renews its
   * lease here.
   */
  keepGoing?: () => Promise<boolean>;
  /** Private and loopback webhook targets (default: WEBHOOK_ALLOW_PRIVATE_NETWORKS or emulated eBay). */
  allowPrivateWebhookTargets?: boolean;
};

const PAGE_SIZE = 200;

type PendingWarning = {
  id: string;
  workspaceId: string;
  accountId: string | null;
  accountName: string | null;
  kind: string;
  title: string;
  message: string;
  fixPath: string | null;
  createdAt: Date;
  emailedAt: Date | null;
  webhookSentAt: Date | null;
  deliveryError: string | null;
};

const PENDING_SELECT = {
  id: true,
  workspaceId: true,
  accountId: true,
  accountName: true,
  kind: true,
  title: true,
  message: true,
  fixPath: true,
  createdAt: true,
  emailedAt: true,
  webhookSentAt: true,
  deliveryError: true,
} as const;

/**
 * How long a claim holds: longer than the slowest possible delivery of one warning (SMTP stages plus
 * every webhook attempt, its timeout and the longest Retry-After), so it never runs out mid-send; a
 * crashed holder's warnings wait this long before another process sends them.
 */
export function deliveryClaimMs(config: Pick<WarningConfig, "webhookAttempts" | "webhookTimeoutMs">): number {
  const smtpBudgetMs = 120_000;
  const webhookBudgetMs = config.webhookAttempts * (config.webhookTimeoutMs + 30_000);
  return Math.max(300_000, 2 * (smtpBudgetMs + webhookBudgetMs));
}

export async function deliverPendingWarnings(db: Db, input: DeliveryInput): Promise<DeliveryReport> {
  const { now, config } = input;
  // Unique per call, so even two sweeps under one scheduler owner never release each other's claims.
  const owner = `${input.owner ?? "deliver"}:${randomUUID()}`;
  const wallNow = input.wallNow ?? (() => new Date());
  const claimMs = deliveryClaimMs(config);
  const allowPrivateNetworks = input.allowPrivateWebhookTargets ?? webhookPrivateTargetsAllowed();
  const report: DeliveryReport = { emailed: 0, webhooks: 0, failed: 0, completed: true };
  const giveUpBefore = new Date(now.getTime() - config.deliveryGiveUpHours * 3_600_000);

  const settingsByWorkspace = new Map<string, { settings: ResolvedAlertSettings; name: string }>();
  const workspaceContext = async (workspaceId: string) => {
    let context = settingsByWorkspace.get(workspaceId);
    if (!context) {
      const settings = await resolveAlertSettings(db, workspaceId);
      const workspace = await db.workspace.findUnique({ where: { id: workspaceId }, select: { name: true } });
      context = { settings, name: workspace?.name ?? "" };
      settingsByWorkspace.set(workspaceId, context);
    }
    return context;
  };
  const webhookFailedThisSweep = new Map<string, string>();

  let cursor: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const page: Array<{ id: string; createdAt: Date }> = await db.warning.findMany({
      where: {
        ...(input.workspaceId ? { workspaceId: input.workspaceId } : {}),
        deliverySettledAt: null,
        createdAt: { gte: giveUpBefore },
        ...(cursor ? { OR: [{ createdAt: { gt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { gt: cursor.id } }] } : {}),
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, createdAt: true },
      take: PAGE_SIZE,
    });
    for (const candidate of page) {
      if (input.keepGoing && !(await input.keepGoing())) {
        report.completed = false;
        return report;
      }
      const claimedAt = wallNow();
      const claim = await db.warning.updateMany({
        where: {
          id: candidate.id,
          deliverySettledAt: null,
          OR: [{ deliveryClaimUntil: null }, { deliveryClaimUntil: { lt: claimedAt } }],
        },
        data: { deliveryClaimOwner: owner, deliveryClaimUntil: new Date(claimedAt.getTime() + claimMs) },
      });
      // Someone else is delivering it (or just finished).
      if (claim.count !== 1) continue;
      let outcome: { settled: boolean; deliveryError: string | null; previousError: string | null } | null = null;
      try {
        // Read after claiming: the page may be older than another deliverer's last send.
        const warning: PendingWarning | null = await db.warning.findUnique({ where: { id: candidate.id }, select: PENDING_SELECT });
        if (!warning) continue;
        outcome = await deliverOne(db, { warning, now, config, allowPrivateNetworks, report, webhookFailedThisSweep, context: await workspaceContext(warning.workspaceId) });
      } finally {
        // Release (only our own claim) and record the outcome in the same write.
        await db.warning.updateMany({
          where: { id: candidate.id, deliveryClaimOwner: owner },
          data: {
            deliveryClaimOwner: null,
            deliveryClaimUntil: null,
            ...(outcome?.settled ? { deliverySettledAt: now } : {}),
            ...(outcome && outcome.deliveryError !== outcome.previousError ? { deliveryError: outcome.deliveryError } : {}),
          },
        });
      }
    }
    if (page.length < PAGE_SIZE) return report;
    cursor = page[page.length - 1]!;
  }
}

async function deliverOne(
  db: Db,
  input: {
    warning: PendingWarning;
    now: Date;
    config: WarningConfig;
    allowPrivateNetworks: boolean;
    report: DeliveryReport;
    /** Workspace id -> the problem its webhook had earlier in this sweep. */
    webhookFailedThisSweep: Map<string, string>;
    context: { settings: ResolvedAlertSettings; name: string };
  },
): Promise<{ settled: boolean; deliveryError: string | null; previousError: string | null }> {
  const { warning, now, config, report, context } = input;
  const { settings } = context;
  const workspace = { id: warning.workspaceId, name: context.name };
  const problems: string[] = [];
  let stillDue = false;

  const emailDue = warning.emailedAt === null && config.smtpUrl !== null && settings.recipients.length > 0;
  if (emailDue) {
    try {
      await sendMail(config.smtpUrl!, composeEmail(warning, workspace, settings.recipients, config));
      await db.warning.updateMany({ where: { id: warning.id, emailedAt: null }, data: { emailedAt: now } });
      report.emailed += 1;
    } catch (error) {
      stillDue = true;
      problems.push(`Email: ${safeMessage(error)}`);
    }
  }

  const webhookDue = warning.webhookSentAt === null && settings.webhookUrl !== null;
  if (webhookDue && settings.webhookSecretUnreadable) {
    stillDue = true;
    problems.push("Webhook: the signing secret can no longer be read; save a new one in Settings.");
  } else if (webhookDue && settings.webhookSecret && input.webhookFailedThisSweep.has(warning.workspaceId)) {
    // The endpoint just failed for an earlier warning: do not spend another timeout on it this sweep.
    stillDue = true;
    problems.push(input.webhookFailedThisSweep.get(warning.workspaceId)!);
  } else if (webhookDue && settings.webhookSecret) {
    try {
      const account = warning.accountId
        ? await db.ebayAccount.findUnique({ where: { id: warning.accountId }, select: { status: true, statusCause: true } })
        : null;
      await postWebhook(settings.webhookUrl!, settings.webhookSecret, webhookPayload(warning, workspace, account, config, now), {
        timeoutMs: config.webhookTimeoutMs,
        attempts: config.webhookAttempts,
        retryBaseMs: config.webhookRetryBaseMs,
        deliveryId: warning.id,
        allowPrivateNetworks: input.allowPrivateNetworks,
      });
      await db.warning.updateMany({ where: { id: warning.id, webhookSentAt: null }, data: { webhookSentAt: now } });
      report.webhooks += 1;
    } catch (error) {
      stillDue = true;
      const problem = `Webhook: ${safeMessage(error)}`;
      input.webhookFailedThisSweep.set(warning.workspaceId, problem);
      problems.push(problem);
    }
  }

  if (problems.length > 0) report.failed += 1;
  return {
    settled: !stillDue,
    deliveryError: problems.length > 0 ? problems.join(" · ").slice(0, 500) : null,
    previousError: warning.deliveryError,
  };
}

export function composeEmail(
  warning: Pick<PendingWarning, "title" | "message" | "fixPath" | "accountName" | "kind">,
  workspace: { name: string },
  recipients: string[],
  config: Pick<WarningConfig, "emailFrom" | "appUrl">,
) {
  const fixUrl = warning.fixPath ? absoluteUrl(config.appUrl, warning.fixPath) : null;
  const lines = [
    warning.title,
    "",
    `Workspace: ${workspace.name}`,
    ...(warning.accountName ? [`eBay account: ${warning.accountName}`] : []),
    "",
    warning.message,
    "",
    ...(fixUrl ? [warning.kind === "recovered" || warning.kind === "unavailable" ? `Open the account: ${fixUrl}` : `Fix it (Re-create token): ${fixUrl}`, ""] : []),
    "—",
    `You receive this because your address is on the alert list of the "${workspace.name}" workspace in ChannelKeys.`,
    `Change who gets these: ${absoluteUrl(config.appUrl, "/settings")}`,
  ];
  return { from: config.emailFrom, to: recipients, subject: `[ChannelKeys] ${warning.title}`, text: lines.join("\n") };
}

export function webhookPayload(
  warning: Pick<PendingWarning, "kind" | "accountId" | "accountName" | "title" | "message" | "fixPath">,
  workspace: { id: string; name: string },
  account: { status: string; statusCause: string | null } | null,
  config: Pick<WarningConfig, "appUrl">,
  now: Date,
): WebhookPayload {
  const fixUrl = warning.fixPath ? absoluteUrl(config.appUrl, warning.fixPath) : null;
  return {
    type: warning.kind,
    workspace,
    account: warning.accountId ? { id: warning.accountId, name: warning.accountName ?? warning.accountId } : null,
    status: account?.status ?? null,
    cause: account?.statusCause ?? null,
    title: warning.title,
    message: warning.message,
    fixUrl,
    sentAt: now.toISOString(),
    text: `${warning.title}. ${warning.message}${fixUrl ? ` ${fixUrl}` : ""}`,
  };
}

// Errors from our own SMTP client and webhook sender are written for people and hold no secrets;
// anything else is summarised rather than echoed.
function safeMessage(error: unknown): string {
  if (error instanceof Error && (error.name === "SmtpError" || error.name === "WebhookDeliveryError")) return error.message.slice(0, 240);
  return "delivery failed unexpectedly";
}
