"use server";

import { z } from "zod";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { defineWorkspaceAction, UserFacingError } from "@/lib/actions/workspace-action";
import { recordAuditEvent } from "@/lib/audit/record";
import { maskEmailList, maskSecretUrl } from "@/lib/audit/labels";
import {
  isEmailAddress,
  MAX_WARNING_DAYS,
  MIN_WARNING_DAYS,
  parseRecipients,
} from "@/lib/warnings/alert-settings";
import { webhookUrlProblem } from "@/lib/warnings/webhook-target";
import { confirmedAlertRecipients, syncAlertRecipients } from "@/lib/warnings/alert-recipients";
import { upkeepConfigFromEnv } from "@/lib/upkeep/upkeep-config";

const MIN_SECRET_LENGTH = 16;

const schema = z.object({
  emailRecipients: z
    .string()
    .max(2000, "Keep the list under 2,000 characters.")
    .transform((value) => parseRecipients(value))
    .refine((list) => list.every(isEmailAddress), "One of these is not an email address.")
    .refine((list) => list.length <= 20, "At most 20 recipients."),
  webhookUrl: z
    .string()
    .trim()
    .max(2000)
    .transform((value) => (value === "" ? null : value))
    .superRefine((value, context) => {
      const problem = value === null ? null : webhookUrlProblem(value);
      if (problem) context.addIssue({ code: "custom", message: problem });
    }),
  /** Empty keeps the stored secret. */
  webhookSecret: z
    .string()
    .trim()
    .max(200)
    .refine((value) => value === "" || value.length >= MIN_SECRET_LENGTH, `Use at least ${MIN_SECRET_LENGTH} characters.`),
  warningDays: z.coerce
    .number({ message: "Enter a number of days." })
    .int("Enter a whole number of days.")
    .min(MIN_WARNING_DAYS, `At least ${MIN_WARNING_DAYS} day.`)
    .max(MAX_WARNING_DAYS, `At most ${MAX_WARNING_DAYS} days.`),
});

/** Owners and admins (alerts:manage) choose who hears about problems and how early. The secret is stored sealed and never read back. */
export const saveAlertSettingsAction = defineWorkspaceAction(
  { schema, permission: "alerts:manage", name: "saveAlertSettings" },
  async ({ input, user, workspace }) => {
    // The stored secret is not read here (it may not even open, after a key was dropped): kept means left as it is.
    const existing = await db.workspaceAlertSettings.findUnique({ where: { workspaceId: workspace.id }, omit: { webhookSecret: true } });
    const storedSecret = await db.workspaceAlertSettings.count({ where: { workspaceId: workspace.id, webhookSecret: { not: null } } });
    const secretChanged = input.webhookSecret !== "";
    const keepsSecret = input.webhookUrl !== null && !secretChanged && storedSecret > 0;
    if (input.webhookUrl !== null && !secretChanged && !keepsSecret) {
      throw new UserFacingError("Set a signing secret for the webhook (or generate one).", "invalid_input");
    }
    const data = {
      emailRecipients: input.emailRecipients.join(", "),
      webhookUrl: input.webhookUrl,
      // Sealed by the database client (lib/crypto/encrypted-columns.ts), bound to this workspace's row.
      ...(input.webhookUrl === null ? { webhookSecret: null } : secretChanged ? { webhookSecret: input.webhookSecret } : {}),
      warningDays: input.warningDays,
    };
    await db.workspaceAlertSettings.upsert({
      where: { workspaceId: workspace.id },
      create: { workspaceId: workspace.id, ...data },
      update: data,
    });
    // New addresses receive a confirmation link now, and no warning until they confirm.
    await syncAlertRecipients(db, workspace.id, input.emailRecipients);
    const mail = upkeepConfigFromEnv().warnings;
    if (mail.smtpUrl) {
      await confirmedAlertRecipients(db, {
        workspaceId: workspace.id,
        workspaceName: workspace.name,
        emails: input.emailRecipients,
        mail: { smtpUrl: mail.smtpUrl, emailFrom: mail.emailFrom, appUrl: mail.appUrl },
      });
    }
    await recordAuditEvent(db, {
      workspaceId: workspace.id,
      actorUserId: user.id,
      actorLabel: user.email,
      action: "alert_settings_update",
      outcome: "success",
      detail: "Alert settings saved.",
      changes: {
        // Masked when written, not only when shown: every member reads the history, and for a Slack-style hook
        // the URL is the credential (lib/audit/labels.ts masks older rows the same way).
        emailRecipients: [maskOrNull(existing?.emailRecipients, maskEmailList), maskEmailList(data.emailRecipients)],
        webhookUrl: [maskOrNull(existing?.webhookUrl, maskSecretUrl), maskOrNull(data.webhookUrl, maskSecretUrl)],
        warningDays: [existing?.warningDays ?? null, data.warningDays],
        // Whether the secret changed, never the secret.
        ...(secretChanged ? { webhookSecret: ["(previous)", "(new secret)"] } : {}),
      },
    });
    revalidatePath("/settings");
    return { recipients: input.emailRecipients, webhookConfigured: input.webhookUrl !== null };
  },
);

function maskOrNull(value: string | null | undefined, mask: (value: string) => string): string | null {
  return value ? mask(value) : null;
}
