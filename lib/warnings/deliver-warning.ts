// Sends one raised warning by email: the deliver-warning job (lib/warnings/warning-jobs.ts), one per warning, queued
// in the same transaction that raised it. The queue gives it to one worker at a time and retries it with backoff for
// about a day; the email is marked sent (emailedAt) right after it succeeds, so a retry never sends it twice. Whether
// it is due is decided from the fresh row: no SMTP or no recipients means nothing is due, and the warning is settled.
// Webhooks are not sent here: raising a warning queues an account.* event to the workspace's webhook endpoints
// (lib/webhooks/deliveries.ts), each with deliveries of its own (webhookSentAt is kept for warnings sent before).
// The last failure is kept on the warning (deliveryError) and shown on the notifications page; after the last attempt the warning is settled as given up.
import type { Db } from "@/lib/db";
import type { WarningConfig } from "@/lib/upkeep/upkeep-config";
import { resolveAlertSettings } from "@/lib/warnings/alert-settings";
import { sendMail } from "@/lib/mail/mailer";
import { confirmedAlertRecipients, unsubscribeParts } from "@/lib/warnings/alert-recipients";
import type { WebhookPayload } from "@/lib/warnings/webhook";
import { absoluteUrl } from "@/lib/warnings/warning-copy";

export type DeliveryOutcome = {
  emailed: boolean;
  /** Something due did not go out (the job should be retried, unless this was its last attempt). */
  stillDue: boolean;
  deliveryError: string | null;
};

export type DeliverWarningInput = {
  warningId: string;
  /** The app clock: what "sent at" is measured on. */
  now: Date;
  config: WarningConfig;
  /** The queue will not try again after this attempt: a failure settles the warning as given up. */
  lastAttempt: boolean;
};

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
  deliveryError: string | null;
  deliverySettledAt: Date | null;
};

export async function deliverWarning(db: Db, input: DeliverWarningInput): Promise<DeliveryOutcome | null> {
  const { now, config } = input;
  const warning: PendingWarning | null = await db.warning.findUnique({
    where: { id: input.warningId },
    select: {
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
      deliveryError: true,
      deliverySettledAt: true,
    },
  });
  if (!warning || warning.deliverySettledAt) return null;
  const settings = await resolveAlertSettings(db, warning.workspaceId);
  const workspace = await db.workspace.findUnique({ where: { id: warning.workspaceId }, select: { id: true, name: true } });
  if (!workspace) return null;
  const outcome: DeliveryOutcome = { emailed: false, stillDue: false, deliveryError: null };
  const problems: string[] = [];

  // Only addresses that confirmed receive warnings; the others are asked to confirm (lib/warnings/alert-recipients.ts).
  const recipients =
    warning.emailedAt === null && config.smtpUrl !== null
      ? await confirmedAlertRecipients(db, {
          workspaceId: workspace.id,
          workspaceName: workspace.name,
          emails: settings.recipients,
          mail: { smtpUrl: config.smtpUrl, emailFrom: config.emailFrom, appUrl: config.appUrl },
        })
      : [];
  if (recipients.length > 0) {
    try {
      // One message per address: each carries its own unsubscribe link and List-Unsubscribe headers.
      for (const recipient of recipients) {
        const unsubscribe = unsubscribeParts(config.appUrl, recipient.id);
        await sendMail(config.smtpUrl!, { ...composeEmail(warning, workspace, [recipient.email], config, unsubscribe.link), headers: unsubscribe.headers });
      }
      await db.warning.updateMany({ where: { id: warning.id, emailedAt: null }, data: { emailedAt: now } });
      outcome.emailed = true;
    } catch (error) {
      outcome.stillDue = true;
      problems.push(`Email: ${safeMessage(error)}`);
    }
  }

  outcome.deliveryError = problems.length > 0 ? problems.join(" · ").slice(0, 500) : null;
  const settled = !outcome.stillDue || input.lastAttempt;
  const deliveryError =
    outcome.stillDue && input.lastAttempt ? `${outcome.deliveryError} (gave up after repeated attempts)`.slice(0, 500) : outcome.deliveryError;
  await db.warning.updateMany({
    where: { id: warning.id },
    data: {
      ...(settled ? { deliverySettledAt: now } : {}),
      ...(deliveryError !== warning.deliveryError ? { deliveryError } : {}),
    },
  });
  return outcome;
}

export function composeEmail(
  warning: Pick<PendingWarning, "title" | "message" | "fixPath" | "accountName" | "kind">,
  workspace: { name: string },
  recipients: string[],
  config: Pick<WarningConfig, "emailFrom" | "appUrl">,
  unsubscribeLink: string,
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
    `You receive this because you confirmed your address for the alert list of the "${workspace.name}" workspace in ChannelKeys.`,
    `Stop these emails: ${unsubscribeLink}`,
  ];
  return { from: config.emailFrom, to: recipients, subject: `[ChannelKeys] ${warning.title}`, text: lines.join("\n") };
}

/** The body a webhook endpoint moved from the old alert settings receives for a warning, as it always did. */
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

// The mailer's messages are one sentence each, never a remote server's words or a secret; anything else is
// summarised rather than echoed.
function safeMessage(error: unknown): string {
  if (error instanceof Error && error.name === "MailDeliveryError") return error.message.slice(0, 240);
  return "delivery failed unexpectedly";
}
