"use server";

import { z } from "zod";
import { db } from "@/lib/db";
import { confirmAlertRecipient } from "@/lib/warnings/alert-recipients";
import { definePublicAction } from "@/lib/actions/user-action";
import { UserFacingError } from "@/lib/actions/user-facing-error";

const schema = z.object({ token: z.string().min(20).max(200).regex(/^[A-Za-z0-9._-]+$/) });

/** The Confirm button of the page the confirmation mail links to (opening the link itself changes nothing). */
export const confirmAlertRecipientAction = definePublicAction({ schema, name: "confirmAlertRecipient" }, async ({ input }) => {
  const result = await confirmAlertRecipient(db, input.token);
  if (!result.ok) throw new UserFacingError("This confirmation link has expired or was already used.", "invalid_link");
  return { email: result.email, workspaceName: result.workspaceName };
});
