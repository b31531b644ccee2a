"use server";

import { z } from "zod";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { defineWorkspaceAction, UserFacingError } from "@/lib/actions/workspace-action";
import { revokeApiKey } from "@/lib/api-keys/api-keys";

export const revokeApiKeyAction = defineWorkspaceAction(
  { schema: z.object({ apiKeyId: z.string().min(1).max(64) }), permission: "api_keys:manage", name: "revokeApiKey" },
  async ({ input, user, workspace }) => {
    if (!(await revokeApiKey(db, { workspaceId: workspace.id, apiKeyId: input.apiKeyId, actor: { userId: user.id, label: user.email } }))) {
      throw new UserFacingError("That API key was not found in this workspace.", "not_found");
    }
    revalidatePath("/settings/api-keys");
    return { revoked: true };
  },
);
