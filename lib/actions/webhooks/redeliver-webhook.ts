"use server";

import { z } from "zod";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { defineWorkspaceAction, UserFacingError } from "@/lib/actions/workspace-action";
import { redeliverWebhook } from "@/lib/webhooks/deliveries";
import { recordAuditEvent } from "@/lib/audit/record";

/** "Redeliver": the same body and webhook-id again, with a fresh day of retries. */
export const redeliverWebhookAction = defineWorkspaceAction(
  { schema: z.object({ deliveryId: z.string().min(1).max(64) }), permission: "webhooks:manage", name: "redeliverWebhook" },
  async ({ input, user, workspace }) => {
    if (!(await redeliverWebhook(db, { workspaceId: workspace.id, deliveryId: input.deliveryId }))) {
      throw new UserFacingError("That delivery was not found in this workspace.", "not_found");
    }
    await recordAuditEvent(db, {
      workspaceId: workspace.id,
      actorUserId: user.id,
      actorLabel: user.email,
      action: "webhook_redeliver",
      outcome: "info",
      detail: `Delivery ${input.deliveryId} queued again.`,
    });
    revalidatePath("/settings/webhooks");
    return { queued: true };
  },
);
