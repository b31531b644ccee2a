"use server";

import { z } from "zod";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { now } from "@/lib/clock";
import { defineWorkspaceAction, UserFacingError } from "@/lib/actions/workspace-action";

const schema = z.object({ warningId: z.string().min(1).max(64), read: z.boolean().default(true) });

/** Read state is the workspace's: whoever handles a warning marks it for the whole team. */
export const markWarningReadAction = defineWorkspaceAction(
  { schema, permission: "accounts:read", name: "markWarningRead" },
  async ({ input, workspace }) => {
    const updated = await db.warning.updateMany({
      where: { id: input.warningId, workspaceId: workspace.id },
      data: { readAt: input.read ? now() : null },
    });
    if (updated.count === 0) throw new UserFacingError("That notification was not found in this workspace.", "not_found");
    revalidatePath("/", "layout");
    return { read: input.read };
  },
);
