"use server";

import { z } from "zod";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { defineWorkspaceAction, UserFacingError } from "@/lib/actions/workspace-action";
import { deleteWebhookEndpoint } from "@/lib/webhooks/endpoints";

export const deleteWebhookEndpointAction = defineWorkspaceAction(
  { schema: z.object({ endpointId: z.string().min(1).max(64) }), permission: "webhooks:manage", name: "deleteWebhookEndpoint" },
  async ({ input, user, workspace }) => {
    if (!(await deleteWebhookEndpoint(db, { workspaceId: workspace.id, endpointId: input.endpointId, actor: { userId: user.id, label: user.email } }))) {
      throw new UserFacingError("That webhook endpoint was not found in this workspace.", "not_found");
    }
    revalidatePath("/settings/webhooks");
    return { deleted: true };
  },
);
