"use server";

import { z } from "zod";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { defineWorkspaceAction } from "@/lib/actions/workspace-action";
import { updateWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";

const schema = z.object({
  endpointId: z.string().min(1).max(64),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1, "Choose at least one event.").optional(),
  enabled: z.boolean().optional(),
});

export const updateWebhookEndpointAction = defineWorkspaceAction(
  { schema, permission: "webhooks:manage", name: "updateWebhookEndpoint" },
  async ({ input, user, workspace }) => {
    await updateWebhookEndpoint(db, { workspaceId: workspace.id, endpointId: input.endpointId, events: input.events, enabled: input.enabled, actor: { userId: user.id, label: user.email } });
    revalidatePath("/settings/webhooks");
    return { updated: true };
  },
);
