"use server";

import { z } from "zod";
import { db } from "@/lib/db";
import { resetPasswordWithToken } from "@/lib/auth/password-reset";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/auth/sign-up-schema";
import { definePublicAction } from "@/lib/actions/user-action";
import { UserFacingError } from "@/lib/actions/user-facing-error";
import { PasswordWorkBusy } from "@/lib/auth/password-work";

const schema = z.object({
  token: z.string().min(20).max(200).regex(/^[A-Za-z0-9_-]+$/),
  password: z
    .string({ error: "Choose a password." })
    .min(PASSWORD_MIN_LENGTH, { error: `Use at least ${PASSWORD_MIN_LENGTH} characters for your password.` })
    .max(PASSWORD_MAX_LENGTH, { error: `Use at most ${PASSWORD_MAX_LENGTH} characters for your password.` }),
});

const INVALID_RESET_LINK_MESSAGE = "This link has expired or was already used. Ask for a new one.";

/** The reset-password page's form: sets the new password and ends every session of the account. */
export const resetPasswordAction = definePublicAction({ schema, name: "resetPassword" }, async ({ input }) => {
  let outcome: Awaited<ReturnType<typeof resetPasswordWithToken>>;
  try {
    outcome = await resetPasswordWithToken(db, input);
  } catch (error) {
    if (error instanceof PasswordWorkBusy) throw new UserFacingError(error.message, "rate_limited");
    throw error;
  }
  if (!outcome.ok) throw new UserFacingError(INVALID_RESET_LINK_MESSAGE, "invalid_link");
  return { reset: true };
});
