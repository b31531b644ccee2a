"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getSessionUser, listMemberships } from "@/lib/auth/session";
import { WORKSPACE_COOKIE } from "@/lib/auth/workspace-cookie";

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/**
 * Form action of the workspace switcher: remembers the chosen workspace in a cookie, only if the
 * signed-in user is a member of it, then opens that workspace's accounts.
 */
export async function switchWorkspace(formData: unknown): Promise<void> {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");

  // Anyone can post anything to a server action: only a form's workspaceId field is read.
  const parsed = z.string().min(1).max(64).safeParse(formData instanceof FormData ? formData.get("workspaceId") : undefined);
  const memberships = await listMemberships(user.id);
  const target = parsed.success ? memberships.find((membership) => membership.workspace.id === parsed.data) : undefined;

  if (target) {
    (await cookies()).set(WORKSPACE_COOKIE, target.workspace.id, {
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      maxAge: ONE_YEAR_SECONDS,
      secure: process.env.NEXTAUTH_URL?.startsWith("https://") ?? false,
    });
  }
  // Pages of the previous workspace (an account's detail) do not exist in the next one.
  redirect("/accounts");
}
