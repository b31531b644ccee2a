// Who gets a workspace's warnings by email, and how early. (Webhooks are endpoints of their own: lib/webhooks.)
import type { Db } from "@/lib/db";
import { DEFAULT_EXPIRY_WARNING_DAYS } from "@/lib/tokens/status-copy";

export type ResolvedAlertSettings = {
  recipients: string[];
  /** True when no settings were saved yet and the recipients are the workspace's owners. */
  recipientsAreOwners: boolean;
  warningDays: number;
};

export const MAX_WARNING_DAYS = 180;
export const MIN_WARNING_DAYS = 1;

export function parseRecipients(value: string): string[] {
  return [...new Set(value.split(/[\s,;]+/).map((part) => part.trim().toLowerCase()).filter(Boolean))];
}

const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

export function isEmailAddress(value: string): boolean {
  return EMAIL.test(value) && value.length <= 254;
}

/** The workspace's expiry warning window, without opening any secret. */
export async function warningDaysOf(db: Db, workspaceId: string): Promise<number> {
  const settings = await db.workspaceAlertSettings.findUnique({ where: { workspaceId }, select: { warningDays: true } });
  return settings?.warningDays ?? DEFAULT_EXPIRY_WARNING_DAYS;
}

export async function resolveAlertSettings(db: Db, workspaceId: string): Promise<ResolvedAlertSettings> {
  const settings = await db.workspaceAlertSettings.findUnique({ where: { workspaceId } });
  if (!settings) {
    // Until someone chooses recipients, the people who own the workspace hear about problems.
    const owners = await db.membership.findMany({
      where: { workspaceId, role: "owner" },
      select: { user: { select: { email: true } } },
    });
    return {
      recipients: owners.map((owner) => owner.user.email),
      recipientsAreOwners: true,
      warningDays: DEFAULT_EXPIRY_WARNING_DAYS,
    };
  }
  return {
    recipients: parseRecipients(settings.emailRecipients),
    recipientsAreOwners: false,
    warningDays: settings.warningDays,
  };
}
