"use server";

import { z } from "zod";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { now } from "@/lib/clock";
import { defineWorkspaceAction, UserFacingError } from "@/lib/actions/workspace-action";

const schema = z.object({ warningId: z.string().min(1).max(64), read: z.boolean().default(true) });

/**
 * Read state is each member's own (WarningRead): marking a warning read or unread changes nothing for the rest of
 * the team, so every member, viewers included, may do it.
 */
export const markWarningReadAction = defineWorkspaceAction(
  { schema, permission: "notifications:mark-read", name: "markWarningRead" },
  async ({ input, workspace, user }) => {
    const warning = await db.warning.findFirst({ where: { id: input.warningId, workspaceId: workspace.id }, select: { id: true } });
    if (!warning) throw new UserFacingError("That notification was not found in this workspace.", "not_found");
    if (input.read) {
      await db.warningRead.createMany({ data: [{ warningId: warning.id, userId: user.id, readAt: now() }], skipDuplicates: true });
    } else {
      await db.warningRead.deleteMany({ where: { warningId: warning.id, userId: user.id } });
    }
    revalidatePath("/", "layout");
    return { read: input.read };
  },
);
