"use server";

import { z } from "zod";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { defineWorkspaceAction } from "@/lib/actions/workspace-action";
import { createApiKey } from "@/lib/api-keys/api-keys";
import { API_KEY_SCOPES } from "@/lib/api-keys/scopes";

const schema = z.object({
  name: z.string().trim().min(1, "Give the key a name.").max(80, "Use at most 80 characters."),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1, "Choose at least one scope."),
  expiresInDays: z.union([z.literal(30), z.literal(90), z.literal(365), z.null()]),
});

/** Owners and admins create keys. The key is in this answer and nowhere else: only its hash is stored. */
export const createApiKeyAction = defineWorkspaceAction(
  { schema, permission: "api_keys:manage", name: "createApiKey" },
  async ({ input, user, workspace }) => {
    const created = await createApiKey(db, { workspaceId: workspace.id, name: input.name, scopes: input.scopes, expiresInDays: input.expiresInDays, actor: { userId: user.id, label: user.email } });
    revalidatePath("/settings/api-keys");
    return { key: created.key, prefix: created.prefix };
  },
);
