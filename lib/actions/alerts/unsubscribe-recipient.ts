"use server";

import { z } from "zod";
import { db } from "@/lib/db";
import { unsubscribeAlertRecipient } from "@/lib/warnings/alert-recipients";
import { definePublicAction } from "@/lib/actions/user-action";
import { UserFacingError } from "@/lib/actions/user-facing-error";

const schema = z.object({ token: z.string().min(20).max(200).regex(/^[A-Za-z0-9._-]+$/) });

/** The Unsubscribe button of the page every alert mail links to. */
export const unsubscribeAlertRecipientAction = definePublicAction({ schema, name: "unsubscribeAlertRecipient" }, async ({ input }) => {
  const result = await unsubscribeAlertRecipient(db, input.token);
  if (!result.ok) throw new UserFacingError("This unsubscribe link is not valid.", "invalid_link");
  return { email: result.email, workspaceName: result.workspaceName };
});
