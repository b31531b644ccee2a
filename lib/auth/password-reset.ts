import { createHash, randomBytes } from "node:crypto";
import type { Db } from "@/lib/db";
import { now } from "@/lib/clock";
import { hashPassword } from "@/lib/auth/password";
import { hitBucket, type RateLimitRule } from "@/lib/auth/rate-limit";
import { recordUserAuditEvent } from "@/lib/auth/user-audit";
import { mailFromEnv, sendMail, smtpUrlFromEnv } from "@/lib/mail/mailer";
import { logUnexpectedError } from "@/lib/actions/log-unexpected-error";

// Password reset by email: a single-use link that works for 30 minutes. Only the token's SHA-256 is stored, so the
// database alone cannot be used to reset anyone's password. Asking for a link answers the same whether or not the
// address has an account, and does no password hashing; the new password is hashed only for a valid link. Using
// a link raises the user's session version, which ends every session (lib/auth/session.ts).

export const RESET_LINK_LIFETIME_MS = 30 * 60_000;
const RESET_REQUESTS: Record<"perAddress" | "perEmail", RateLimitRule> = {
  perAddress: { limit: 10, windowMs: 60 * 60_000 },
  // Bounds how many mails one inbox can be sent; the link itself changes nothing until it is used.
  perEmail: { limit: 5, windowMs: 60 * 60_000 },
};

export const RESET_REQUESTED_MESSAGE =
  "If an account uses that address, a link to choose a new password is on its way. It works once, for 30 minutes.";

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function appUrl(): string {
  return (process.env.NEXTAUTH_URL?.trim() || "http://localhost:3000").replace(/\/+$/, "");
}

export async function requestPasswordReset(client: Db, input: { email: string; ip: string }): Promise<void> {
  const address = await hitBucket(client, `password-reset:ip:${input.ip}`, RESET_REQUESTS.perAddress);
  if (address.count > RESET_REQUESTS.perAddress.limit) return;
  const emailKey = createHash("sha256").update(input.email).digest("hex").slice(0, 32);
  const perEmail = await hitBucket(client, `password-reset:email:${emailKey}`, RESET_REQUESTS.perEmail);
  if (perEmail.count > RESET_REQUESTS.perEmail.limit) return;

  const smtpUrl = smtpUrlFromEnv();
  const user = await client.user.findUnique({ where: { email: input.email }, select: { id: true, email: true } });
  if (!user || !smtpUrl) return;

  const token = randomBytes(32).toString("base64url");
  const at = now();
  await client.passwordResetToken.create({
    data: { userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(at.getTime() + RESET_LINK_LIFETIME_MS) },
  });
  await recordUserAuditEvent(client, user.id, {
    actorLabel: user.email,
    action: "password_reset_request",
    outcome: "info",
    detail: `A password reset link was emailed (asked from ${input.ip}).`,
  });
  const link = `${appUrl()}/reset-password?token=${token}`;
  try {
    await sendMail(smtpUrl, {
      from: mailFromEnv(),
      to: [user.email],
      subject: "[ChannelKeys] Choose a new password",
      text: [
        "Someone (we hope you) asked to reset the password of your ChannelKeys account.",
        "",
        `Choose a new password here within 30 minutes (the link works once): ${link}`,
        "",
        "Doing so signs your account out everywhere. If you did not ask, ignore this message: your password stays as it is.",
      ].join("\n"),
    });
  } catch (error) {
    // The answer stays the same (it must not say whether the address has an account); the operator sees why.
    logUnexpectedError("password reset mail", error);
  }
}

export type ResetOutcome = { ok: true; userId: string } | { ok: false };

/** Sets the new password if the link is unused and less than 30 minutes old; ends every session of the user. */
export async function resetPasswordWithToken(client: Db, input: { token: string; password: string }): Promise<ResetOutcome> {
  const at = now();
  const record = await client.passwordResetToken.findUnique({
    where: { tokenHash: hashToken(input.token) },
    select: { id: true, userId: true, expiresAt: true, usedAt: true, user: { select: { email: true } } },
  });
  if (!record || record.usedAt || record.expiresAt.getTime() <= at.getTime()) return { ok: false };
  const passwordHash = await hashPassword(input.password);
  return client.$transaction(async (tx) => {
    // Single use, also against two tabs racing with the same link: only one claim matches.
    const claimed = await tx.passwordResetToken.updateMany({
      where: { id: record.id, usedAt: null, expiresAt: { gt: at } },
      data: { usedAt: at },
    });
    if (claimed.count !== 1) return { ok: false } as const;
    await tx.user.update({ where: { id: record.userId }, data: { passwordHash, sessionVersion: { increment: 1 } } });
    // Any other link sent earlier is void now.
    await tx.passwordResetToken.updateMany({ where: { userId: record.userId, usedAt: null }, data: { usedAt: at } });
    await recordUserAuditEvent(tx, record.userId, {
      actorLabel: record.user.email,
      action: "password_reset",
      outcome: "success",
      detail: "Password set with an emailed link; every session was ended.",
    });
    return { ok: true, userId: record.userId } as const;
  });
}
