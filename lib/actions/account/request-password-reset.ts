"use server";

import { headers } from "next/headers";
import { z } from "zod";
import { db } from "@/lib/db";
import { clientIpFrom } from "@/lib/auth/client-ip";
import { requestPasswordReset, RESET_REQUESTED_MESSAGE } from "@/lib/auth/password-reset";
import { definePublicAction } from "@/lib/actions/user-action";

const schema = z.object({
  email: z.string({ error: "Enter your email address." }).trim().toLowerCase().max(254).pipe(z.email({ error: "Enter a valid email address." })),
});

/** The forgot-password form. Answers the same for every address, so it tells nobody who has an account. */
export const requestPasswordResetAction = definePublicAction({ schema, name: "requestPasswordReset" }, async ({ input }) => {
  await requestPasswordReset(db, { email: input.email, ip: clientIpFrom(await headers()) });
  return { message: RESET_REQUESTED_MESSAGE };
});
