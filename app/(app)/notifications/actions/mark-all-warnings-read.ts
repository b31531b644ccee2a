"use server";

import { z } from "zod";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { now } from "@/lib/clock";
import { defineWorkspaceAction } from "@/lib/actions/workspace-action";

/** Marks every warning of the workspace read for the signed-in member only (read marks are per member). */
export const markAllWarningsReadAction = defineWorkspaceAction(
  { schema: z.object({}), permission: "notifications:mark-read", name: "markAllWarningsRead" },
  async ({ workspace, user }) => {
    const unread = await db.warning.findMany({
      where: { workspaceId: workspace.id, reads: { none: { userId: user.id } } },
      select: { id: true },
    });
    const at = now();
    const created = await db.warningRead.createMany({
      data: unread.map((warning) => ({ warningId: warning.id, userId: user.id, readAt: at })),
      skipDuplicates: true,
    });
    revalidatePath("/", "layout");
    return { marked: created.count };
  },
);
