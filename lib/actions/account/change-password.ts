"use server";

import { z } from "zod";
import { db } from "@/lib/db";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { PasswordWorkBusy } from "@/lib/auth/password-work";
import { hitBucket, minutesUntilWindowEnds } from "@/lib/auth/rate-limit";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/auth/sign-up-schema";
import { recordUserAuditEvent } from "@/lib/auth/user-audit";
import { defineSignedInAction } from "@/lib/actions/user-action";
import { UserFacingError } from "@/lib/actions/user-facing-error";

const schema = z.object({
  currentPassword: z.string({ error: "Enter your current password." }).min(1, { error: "Enter your current password." }).max(1024),
  newPassword: z
    .string({ error: "Choose a new password." })
    .min(PASSWORD_MIN_LENGTH, { error: `Use at least ${PASSWORD_MIN_LENGTH} characters for your password.` })
    .max(PASSWORD_MAX_LENGTH, { error: `Use at most ${PASSWORD_MAX_LENGTH} characters for your password.` }),
});

// A stolen session must not turn into a stolen account by guessing the current password: 5 tries per 15 minutes,
// counted before any password work.
const CHANGE_ATTEMPTS = { limit: 5, windowMs: 15 * 60_000 };

/**
 * Changes the signed-in user's password after checking the current one, and ends every session (this one too: the
 * page signs in again with the new password at once).
 */
export const changePasswordAction = defineSignedInAction({ schema, name: "changePassword" }, async ({ input, user }) => {
  const attempt = await hitBucket(db, `password-change:user:${user.id}`, CHANGE_ATTEMPTS);
  if (attempt.count > CHANGE_ATTEMPTS.limit) {
    const minutes = minutesUntilWindowEnds(attempt, CHANGE_ATTEMPTS);
    throw new UserFacingError(`Too many attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`, "rate_limited");
  }
  const stored = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } });
  try {
    if (!(await verifyPassword(stored.passwordHash, input.currentPassword))) {
      throw new UserFacingError("Your current password is not right.", "invalid_input");
    }
    const passwordHash = await hashPassword(input.newPassword);
    await db.$transaction(async (tx) => {
      await tx.user.update({ where: { id: user.id }, data: { passwordHash, sessionVersion: { increment: 1 } } });
      await recordUserAuditEvent(tx, user.id, {
        actorLabel: user.email,
        action: "password_change",
        outcome: "success",
        detail: "Password changed; every session was ended.",
      });
    });
  } catch (error) {
    if (error instanceof PasswordWorkBusy) throw new UserFacingError(error.message, "rate_limited");
    throw error;
  }
  return { changed: true };
});
