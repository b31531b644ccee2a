import { getEbayConfig } from "@/lib/ebay/config";
import { db } from "@/lib/db";
import { now } from "@/lib/clock";
import { isRouteId, notFoundResponse, workspaceForRoute } from "@/lib/auth/route-workspace";
import { ACCOUNT_VIEW_SELECT, toAccountView } from "@/lib/accounts/account-view";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ accountId: string }> }) {
  const context = await workspaceForRoute("accounts:read");
  if (!context) return notFoundResponse();
  const { accountId } = await params;
  if (!isRouteId(accountId)) return notFoundResponse();
  const row = await db.ebayAccount.findFirst({
    where: { id: accountId, workspaceId: context.workspace.id },
    select: ACCOUNT_VIEW_SELECT,
  });
  if (!row) return notFoundResponse();
  return Response.json({ now: now().toISOString(), account: toAccountView(row, getEbayConfig().scopes) }, { headers: { "Cache-Control": "no-store" } });
}
