// Who may receive a workspace's warning emails. An owner can type any address, and the mail goes out through the
// operator's server, so an address receives nothing but one confirmation request until its owner confirms by the
// emailed link; every mail carries an unsubscribe link and List-Unsubscribe / List-Unsubscribe-Post headers
// (RFC 8058 one-click), and one click stops all mail from that workspace to that address.
//
// Tokens: the confirmation token is random and single-use (only its SHA-256 is stored, it lasts 7 days). The
// unsubscribe token is `<recipient id>.<HMAC-SHA256(NEXTAUTH_SECRET, "alert-unsubscribe:" + id)>`: it works from
// every mail ever sent, needs no storage, and cannot be made for another recipient without the secret.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "@/lib/db";
import { now } from "@/lib/clock";
import { getNextAuthSecret } from "@/lib/auth/secret";
import { hitBucket } from "@/lib/auth/rate-limit";
import { sendMail } from "@/lib/mail/mailer";
import { absoluteUrl } from "@/lib/warnings/warning-copy";
import { logUnexpectedError } from "@/lib/actions/log-unexpected-error";

export const RECIPIENT_STATUSES = ["pending", "confirmed", "unsubscribed"] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

const CONFIRM_LINK_LIFETIME_MS = 7 * 24 * 60 * 60_000;
// A confirmation request is sent again for a still-pending address at most once a day, and one address gets at
// most 3 requests a day from all workspaces together: the form cannot be used to mail-bomb someone.
const CONFIRM_RESEND_AFTER_MS = 24 * 60 * 60_000;
const CONFIRMATIONS_PER_ADDRESS = { limit: 3, windowMs: 24 * 60 * 60_000 };

type MailSettings = { smtpUrl: string; emailFrom: string; appUrl: string };

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function unsubscribeSignature(recipientId: string): string {
  return createHmac("sha256", getNextAuthSecret()).update(`alert-unsubscribe:${recipientId}`).digest("base64url");
}

export function unsubscribeToken(recipientId: string): string {
  return `${recipientId}.${unsubscribeSignature(recipientId)}`;
}

/** The recipient id an unsubscribe token was made for, or null if it was not made here. */
export function recipientIdFromUnsubscribeToken(token: string): string | null {
  const [id, signature, ...rest] = token.split(".");
  if (!id || !signature || rest.length > 0 || id.length > 64) return null;
  const expected = Buffer.from(unsubscribeSignature(id));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? id : null;
}

/** The unsubscribe link for the mail's body and the headers mail clients offer as "Unsubscribe". */
export function unsubscribeParts(appUrl: string, recipientId: string): { link: string; headers: Record<string, string> } {
  const token = unsubscribeToken(recipientId);
  return {
    link: absoluteUrl(appUrl, `/alerts/unsubscribe?token=${token}`),
    headers: {
      "List-Unsubscribe": `<${absoluteUrl(appUrl, `/api/alerts/unsubscribe?token=${token}`)}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  };
}

/**
 * Makes the workspace's recipient rows match the owner's list: new addresses start pending, addresses taken off
 * the list are forgotten (added again later, they confirm again).
 */
export async function syncAlertRecipients(db: Db, workspaceId: string, emails: readonly string[]): Promise<void> {
  await db.alertRecipient.deleteMany({ where: { workspaceId, email: { notIn: [...emails] } } });
  if (emails.length > 0) {
    await db.alertRecipient.createMany({ data: emails.map((email) => ({ workspaceId, email })), skipDuplicates: true });
  }
}

/**
 * The addresses of `emails` that confirmed and did not unsubscribe. Any of them without a row yet (the owners a
 * workspace falls back to) gets one, pending; every pending one is asked to confirm (see the limits above).
 */
export async function confirmedAlertRecipients(
  db: Db,
  input: { workspaceId: string; workspaceName: string; emails: readonly string[]; mail: MailSettings },
): Promise<{ id: string; email: string }[]> {
  if (input.emails.length === 0) return [];
  await db.alertRecipient.createMany({ data: input.emails.map((email) => ({ workspaceId: input.workspaceId, email })), skipDuplicates: true });
  const rows = await db.alertRecipient.findMany({
    where: { workspaceId: input.workspaceId, email: { in: [...input.emails] } },
    select: { id: true, email: true, status: true, confirmRequestedAt: true },
  });
  const at = now();
  for (const row of rows) {
    const askedRecently = row.confirmRequestedAt && at.getTime() - row.confirmRequestedAt.getTime() < CONFIRM_RESEND_AFTER_MS;
    if (row.status === "pending" && !askedRecently) await requestConfirmation(db, { ...row, workspaceName: input.workspaceName }, input.mail);
  }
  return rows.filter((row) => row.status === "confirmed").map(({ id, email }) => ({ id, email }));
}

/** Sends the pending address its confirmation link (best effort: a failure is logged and retried a day later). */
export async function requestConfirmation(
  db: Db,
  recipient: { id: string; email: string; workspaceName: string },
  mail: MailSettings,
): Promise<void> {
  const perAddress = await hitBucket(db, `alert-confirm:email:${sha256(recipient.email).slice(0, 32)}`, CONFIRMATIONS_PER_ADDRESS);
  if (perAddress.count > CONFIRMATIONS_PER_ADDRESS.limit) return;
  const token = randomBytes(32).toString("base64url");
  const claimed = await db.alertRecipient.updateMany({
    where: { id: recipient.id, status: "pending" },
    data: { confirmTokenHash: sha256(token), confirmRequestedAt: now() },
  });
  if (claimed.count === 0) return;
  const unsubscribe = unsubscribeParts(mail.appUrl, recipient.id);
  try {
    await sendMail(mail.smtpUrl, {
      from: mail.emailFrom,
      to: [recipient.email],
      subject: `[ChannelKeys] Confirm alerts for the "${recipient.workspaceName}" workspace`,
      headers: unsubscribe.headers,
      text: [
        `Someone added this address to the alert list of the "${recipient.workspaceName}" workspace in ChannelKeys, which`,
        "watches the API tokens of eBay seller accounts and emails when one needs attention.",
        "",
        `To receive these alerts, confirm within 7 days: ${absoluteUrl(mail.appUrl, `/alerts/confirm?token=${token}`)}`,
        "",
        "If you did not expect this, ignore it: nothing more is sent until you confirm.",
        `Never receive mail from this workspace: ${unsubscribe.link}`,
      ].join("\n"),
    });
  } catch (error) {
    logUnexpectedError("alert recipient confirmation mail", error);
  }
}

export type RecipientChange = { ok: true; email: string; workspaceName: string } | { ok: false };

/** The link in the confirmation mail: pending -> confirmed, once, within 7 days. */
export async function confirmAlertRecipient(db: Db, token: string): Promise<RecipientChange> {
  const at = now();
  const row = await db.alertRecipient.findUnique({
    where: { confirmTokenHash: sha256(token) },
    select: { id: true, email: true, status: true, confirmRequestedAt: true, workspace: { select: { name: true } } },
  });
  if (!row || row.status !== "pending" || !row.confirmRequestedAt) return { ok: false };
  if (at.getTime() - row.confirmRequestedAt.getTime() > CONFIRM_LINK_LIFETIME_MS) return { ok: false };
  const confirmed = await db.alertRecipient.updateMany({
    where: { id: row.id, status: "pending", confirmTokenHash: sha256(token) },
    data: { status: "confirmed", confirmedAt: at, confirmTokenHash: null },
  });
  return confirmed.count === 1 ? { ok: true, email: row.email, workspaceName: row.workspace.name } : { ok: false };
}

/** The unsubscribe link or one-click POST of any mail: no more mail from this workspace to this address. */
export async function unsubscribeAlertRecipient(db: Db, token: string): Promise<RecipientChange> {
  const id = recipientIdFromUnsubscribeToken(token);
  if (!id) return { ok: false };
  const row = await db.alertRecipient.findUnique({ where: { id }, select: { email: true, workspace: { select: { name: true } } } });
  if (!row) return { ok: false };
  await db.alertRecipient.updateMany({
    where: { id, status: { not: "unsubscribed" } },
    data: { status: "unsubscribed", unsubscribedAt: now(), confirmTokenHash: null },
  });
  return { ok: true, email: row.email, workspaceName: row.workspace.name };
}

/** Each listed address's status, for the settings page. */
export async function alertRecipientStatuses(db: Db, workspaceId: string): Promise<Record<string, RecipientStatus>> {
  const rows = await db.alertRecipient.findMany({ where: { workspaceId }, select: { email: true, status: true } });
  return Object.fromEntries(rows.map((row) => [row.email, row.status as RecipientStatus]));
}
