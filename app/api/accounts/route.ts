import { db } from "@/lib/db";
import { now } from "@/lib/clock";
import { notFoundResponse, workspaceForRoute } from "@/lib/auth/route-workspace";
import { ACCOUNT_VIEW_SELECT, toAccountView } from "@/lib/accounts/account-view";

export const dynamic = "force-dynamic";

/** The accounts table's live data (polled by react-query). */
export async function GET() {
  const context = await workspaceForRoute("accounts:read");
  if (!context) return notFoundResponse();
  const rows = await db.ebayAccount.findMany({
    where: { workspaceId: context.workspace.id },
    select: ACCOUNT_VIEW_SELECT,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return Response.json(
    { now: now().toISOString(), accounts: rows.map(toAccountView) },
    { headers: { "Cache-Control": "no-store" } },
  );
}
