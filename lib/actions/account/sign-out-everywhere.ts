"use server";

import { z } from "zod";
import { db } from "@/lib/db";
import { recordUserAuditEvent } from "@/lib/auth/user-audit";
import { defineSignedInAction } from "@/lib/actions/user-action";

/**
 * Ends every session of the signed-in user at once, this one included (a stolen cookie stops working on its next
 * request): the user's session version goes up, and every session made before carries the old one.
 */
export const signOutEverywhereAction = defineSignedInAction(
  { schema: z.object({}).strict(), name: "signOutEverywhere" },
  async ({ user }) => {
    await db.$transaction(async (tx) => {
      await tx.user.update({ where: { id: user.id }, data: { sessionVersion: { increment: 1 } } });
      await recordUserAuditEvent(tx, user.id, {
        actorLabel: user.email,
        action: "sign_out_everywhere",
        outcome: "success",
        detail: "Signed out on every device; every session was ended.",
      });
    });
    return { signedOut: true };
  },
);
