// Where a workspace's warnings go. The webhook secret is an encrypted column (lib/crypto/encrypted-columns.ts),
// opened by the database client only where it is read with it: here, for signing; screens get "a secret is set",
// never the secret.
import type { Db } from "@/lib/db";
import { TokenDecryptionError } from "@/lib/crypto/token-cipher";
import { DEFAULT_EXPIRY_WARNING_DAYS } from "@/lib/tokens/status-copy";

export type ResolvedAlertSettings = {
  recipients: string[];
  /** True when no settings were saved yet and the recipients are the workspace's owners. */
  recipientsAreOwners: boolean;
  webhookUrl: string | null;
  webhookSecret: string | null;
  /** A secret is stored but cannot be opened (the encryption keys changed without re-sealing it). */
  webhookSecretUnreadable: boolean;
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
  const settings = await db.workspaceAlertSettings.findUnique({ where: { workspaceId }, omit: { webhookSecret: true } });
  if (!settings) {
    // Until someone chooses recipients, the people who own the workspace hear about problems.
    const owners = await db.membership.findMany({
      where: { workspaceId, role: "owner" },
      select: { user: { select: { email: true } } },
    });
    return {
      recipients: owners.map((owner) => owner.user.email),
      recipientsAreOwners: true,
      webhookUrl: null,
      webhookSecret: null,
      webhookSecretUnreadable: false,
      warningDays: DEFAULT_EXPIRY_WARNING_DAYS,
    };
  }
  let webhookSecret: string | null = null;
  let webhookSecretUnreadable = false;
  try {
    const sealed = await db.workspaceAlertSettings.findUnique({ where: { workspaceId }, select: { webhookSecret: true } });
    webhookSecret = sealed?.webhookSecret ?? null;
  } catch (error) {
    // A secret no configured key opens (or copied from another row) must not stop email: report it instead.
    if (!(error instanceof TokenDecryptionError)) throw error;
    webhookSecretUnreadable = true;
  }
  return {
    recipients: parseRecipients(settings.emailRecipients),
    recipientsAreOwners: false,
    webhookUrl: settings.webhookUrl,
    webhookSecret,
    webhookSecretUnreadable,
    warningDays: settings.warningDays,
  };
}
