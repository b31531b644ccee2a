"use server";

import { z } from "zod";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { now } from "@/lib/clock";
import { defineWorkspaceAction } from "@/lib/actions/workspace-action";

export const markAllWarningsReadAction = defineWorkspaceAction(
  { schema: z.object({}), permission: "accounts:read", name: "markAllWarningsRead" },
  async ({ workspace }) => {
    const updated = await db.warning.updateMany({ where: { workspaceId: workspace.id, readAt: null }, data: { readAt: now() } });
    revalidatePath("/", "layout");
    return { marked: updated.count };
  },
);
