"use server";

import { z } from "zod";
import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { defineWorkspaceAction, UserFacingError } from "@/lib/actions/workspace-action";
import { updateAccountTags } from "@/lib/accounts/update-tags";
import { parseTagList, TagError } from "@/lib/accounts/tags";

const tagList = z.string().max(2000).transform((value, context) => {
  try {
    return parseTagList(value);
  } catch (error) {
    context.addIssue({ code: "custom", message: error instanceof TagError ? error.message : "Not a list of tags." });
    return z.NEVER;
  }
});

const schema = z.discriminatedUnion("mode", [
  // One account's tags, as typed in its editor.
  z.object({ mode: z.literal("set"), accountIds: z.array(z.string().min(1).max(64)).length(1), tags: tagList }),
  // The table's bulk action: add or remove tags on the selected rows.
  z.object({ mode: z.literal("add"), accountIds: z.array(z.string().min(1).max(64)).min(1).max(5000), tags: tagList }),
  z.object({ mode: z.literal("remove"), accountIds: z.array(z.string().min(1).max(64)).min(1).max(5000), tags: tagList }),
]);

export const setAccountTagsAction = defineWorkspaceAction(
  { schema, permission: "accounts:tag", name: "setAccountTags" },
  async ({ input, user, workspace }) => {
    if (input.mode !== "set" && input.tags.length === 0) throw new UserFacingError("Enter at least one tag.", "invalid_input");
    const change = input.mode === "set" ? { set: input.tags } : input.mode === "add" ? { add: input.tags, remove: [] } : { add: [], remove: input.tags };
    const result = await updateAccountTags(db, { workspaceId: workspace.id, accountIds: input.accountIds, change, actor: { userId: user.id, label: user.email } });
    revalidatePath("/accounts");
    return result;
  },
);
