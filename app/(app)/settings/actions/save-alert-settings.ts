"use server";

import { z } from "zod";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { defineWorkspaceAction } from "@/lib/actions/workspace-action";
import { recordAuditEvent } from "@/lib/audit/record";
import { maskEmailList } from "@/lib/audit/labels";
import {
  isEmailAddress,
  MAX_WARNING_DAYS,
  MIN_WARNING_DAYS,
  parseRecipients,
} from "@/lib/warnings/alert-settings";
import { confirmedAlertRecipients, syncAlertRecipients } from "@/lib/warnings/alert-recipients";
import { upkeepConfigFromEnv } from "@/lib/upkeep/upkeep-config";

const schema = z.object({
  emailRecipients: z
    .string()
    .max(2000, "Keep the list under 2,000 characters.")
    .transform((value) => parseRecipients(value))
    .refine((list) => list.every(isEmailAddress), "One of these is not an email address.")
    .refine((list) => list.length <= 20, "At most 20 recipients."),
  warningDays: z.coerce
    .number({ message: "Enter a number of days." })
    .int("Enter a whole number of days.")
    .min(MIN_WARNING_DAYS, `At least ${MIN_WARNING_DAYS} day.`)
    .max(MAX_WARNING_DAYS, `At most ${MAX_WARNING_DAYS} days.`),
});

/** Owners and admins (alerts:manage) choose who hears about problems by email and how early. (Webhooks: /settings/webhooks.) */
export const saveAlertSettingsAction = defineWorkspaceAction(
  { schema, permission: "alerts:manage", name: "saveAlertSettings" },
  async ({ input, user, workspace }) => {
    const existing = await db.workspaceAlertSettings.findUnique({ where: { workspaceId: workspace.id } });
    const data = {
      emailRecipients: input.emailRecipients.join(", "),
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
        // Masked when written, not only when shown: every member reads the history (lib/audit/labels.ts masks older
        // rows the same way).
        emailRecipients: [existing?.emailRecipients ? maskEmailList(existing.emailRecipients) : null, maskEmailList(data.emailRecipients)],
        warningDays: [existing?.warningDays ?? null, data.warningDays],
      },
    });
    revalidatePath("/settings");
    return { recipients: input.emailRecipients };
  },
);
