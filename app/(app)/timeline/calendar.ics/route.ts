import { notFoundResponse, workspaceForRoute } from "@/lib/auth/route-workspace";
import { accountDisplayName } from "@/lib/accounts/account-name";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { calendarFilename, expiryCalendar } from "@/lib/timeline/expiry-calendar";
import { ICS_CONTENT_TYPE, writeCalendar } from "@/lib/timeline/ics";

export const dynamic = "force-dynamic";

/**
 * The workspace's upcoming refresh-token expiries as an iCalendar file. A public endpoint: signed out, not a
 * member, or a role without accounts:read all get the same 404; the workspace comes from the user's memberships.
 */
export async function GET(request: Request): Promise<Response> {
  const context = await workspaceForRoute("accounts:read");
  if (!context) return notFoundResponse();
  const { workspace } = context;
  const at = now();
  const accounts = await db.ebayAccount.findMany({
    where: {
      workspaceId: workspace.id,
      status: { not: "disconnected" },
      OR: [{ refreshTokenExpiresAt: { gt: at } }, { authNAuthExpiresAt: { gt: at } }],
    },
    select: {
      id: true,
      nickname: true,
      ebayUsername: true,
      ebayUserId: true,
      environment: true,
      status: true,
      verdictStatus: true,
      refreshTokenExpiresAt: true,
      authNAuthExpiresAt: true,
      stateVersion: true,
    },
  });
  // Links in the calendar must open the dashboard from the seller's calendar app: its public URL, not ours.
  const appUrl = process.env.NEXTAUTH_URL || new URL(request.url).origin;
  const calendar = expiryCalendar({
    workspaceName: workspace.name,
    now: at,
    appUrl,
    accounts: accounts.map((account) => ({ ...account, name: accountDisplayName(account) })),
  });

  return new Response(writeCalendar(calendar), {
    status: 200,
    headers: {
      "Content-Type": ICS_CONTENT_TYPE,
      "Content-Disposition": `attachment; filename="${calendarFilename(workspace.name, at)}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
