"use server";

import { z } from "zod";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { defineWorkspaceAction } from "@/lib/actions/workspace-action";
import { createWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";
import { webhookUrlProblem } from "@/lib/warnings/webhook-target";

const schema = z.object({
  url: z
    .string()
    .trim()
    .min(1, "Enter the endpoint's URL.")
    .max(2000)
    .superRefine((value, context) => {
      const problem = webhookUrlProblem(value);
      if (problem) context.addIssue({ code: "custom", message: problem });
    }),
  description: z.string().trim().max(200).default(""),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1, "Choose at least one event."),
});

/** The signing secret is in this answer once; afterwards only "a secret is set". */
export const createWebhookEndpointAction = defineWorkspaceAction(
  { schema, permission: "webhooks:manage", name: "createWebhookEndpoint" },
  async ({ input, user, workspace }) => {
    const created = await createWebhookEndpoint(db, { workspaceId: workspace.id, url: input.url, description: input.description, events: input.events, actor: { userId: user.id, label: user.email } });
    revalidatePath("/settings/webhooks");
    return created;
  },
);
