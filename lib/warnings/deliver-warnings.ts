// Sends raised warnings by email and webhook. Runs inside the scheduler's warnings lease, so one process
// delivers at a time; each channel is marked sent (emailedAt / webhookSentAt) right after it succeeds,
// so a failure or a restart retries only what did not go out. A delivery that keeps failing is retried
// on every sweep until WARNING_DELIVERY_GIVE_UP_HOURS after the warning was raised; the last error is
// kept on the warning (deliveryError) and shown on the notifications page.
import type { Db } from "@/lib/db";
import type { WarningConfig } from "@/lib/upkeep/upkeep-config";
import { resolveAlertSettings, type ResolvedAlertSettings } from "@/lib/warnings/alert-settings";
import { sendMail } from "@/lib/warnings/smtp-client";
import { postWebhook, type WebhookPayload } from "@/lib/warnings/webhook";
import { webhookPrivateTargetsAllowed } from "@/lib/warnings/webhook-target";
import { absoluteUrl } from "@/lib/warnings/warning-copy";

export type DeliveryReport = { emailed: number; webhooks: number; failed: number };

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

export async function deliverPendingWarnings(
  db: Db,
  input: {
    now: Date;
    config: WarningConfig;
    workspaceId?: string;
    /** Private and loopback webhook targets (default: WEBHOOK_ALLOW_PRIVATE_NETWORKS or emulated eBay). */
    allowPrivateWebhookTargets?: boolean;
  },
): Promise<DeliveryReport> {
  const { now, config } = input;
  const allowPrivateNetworks = input.allowPrivateWebhookTargets ?? webhookPrivateTargetsAllowed();
  const report: DeliveryReport = { emailed: 0, webhooks: 0, failed: 0 };
  const pending: PendingWarning[] = await db.warning.findMany({
    where: {
      ...(input.workspaceId ? { workspaceId: input.workspaceId } : {}),
      createdAt: { gte: new Date(now.getTime() - config.deliveryGiveUpHours * 3_600_000) },
      OR: [{ emailedAt: null }, { webhookSentAt: null }],
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: 500,
  });
  if (pending.length === 0) return report;

  const settingsByWorkspace = new Map<string, ResolvedAlertSettings>();
  const workspaceNames = new Map<string, string>();
  for (const warning of pending) {
    let settings = settingsByWorkspace.get(warning.workspaceId);
    if (!settings) {
      settings = await resolveAlertSettings(db, warning.workspaceId);
      settingsByWorkspace.set(warning.workspaceId, settings);
      const workspace = await db.workspace.findUnique({ where: { id: warning.workspaceId }, select: { name: true } });
      workspaceNames.set(warning.workspaceId, workspace?.name ?? "");
    }
    const workspace = { id: warning.workspaceId, name: workspaceNames.get(warning.workspaceId) ?? "" };
    const problems: string[] = [];

    if (warning.emailedAt === null && config.smtpUrl && settings.recipients.length > 0) {
      try {
        await sendMail(config.smtpUrl, composeEmail(warning, workspace, settings.recipients, config));
        await db.warning.updateMany({ where: { id: warning.id, emailedAt: null }, data: { emailedAt: now } });
        report.emailed += 1;
      } catch (error) {
        problems.push(`Email: ${safeMessage(error)}`);
      }
    }

    if (warning.webhookSentAt === null && settings.webhookUrl && settings.webhookSecretUnreadable) {
      problems.push("Webhook: the signing secret can no longer be read; save a new one in Settings.");
    } else if (warning.webhookSentAt === null && settings.webhookUrl && settings.webhookSecret) {
      try {
        const account = warning.accountId
          ? await db.ebayAccount.findUnique({ where: { id: warning.accountId }, select: { status: true, statusCause: true } })
          : null;
        await postWebhook(settings.webhookUrl, settings.webhookSecret, webhookPayload(warning, workspace, account, config, now), {
          timeoutMs: config.webhookTimeoutMs,
          attempts: config.webhookAttempts,
          retryBaseMs: config.webhookRetryBaseMs,
          deliveryId: warning.id,
          allowPrivateNetworks,
        });
        await db.warning.updateMany({ where: { id: warning.id, webhookSentAt: null }, data: { webhookSentAt: now } });
        report.webhooks += 1;
      } catch (error) {
        problems.push(`Webhook: ${safeMessage(error)}`);
      }
    }

    if (problems.length > 0) report.failed += 1;
    const deliveryError = problems.length > 0 ? problems.join(" · ").slice(0, 500) : null;
    if (warning.deliveryError !== deliveryError) {
      await db.warning.updateMany({ where: { id: warning.id }, data: { deliveryError } });
    }
  }
  return report;
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
