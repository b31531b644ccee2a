import { db } from "@/lib/db";
import { now } from "@/lib/clock";
import { notFoundResponse, workspaceForRoute } from "@/lib/auth/route-workspace";
import { listAccounts } from "@/lib/accounts/list-accounts";
import { parseAccountsView } from "@/lib/accounts/list-view";

export const dynamic = "force-dynamic";

/**
 * The accounts table's live data (polled by react-query): one page for the view in the query string
 * (status, sort, dir, page, as on /accounts), with the filter counts.
 */
export async function GET(request: Request) {
  const context = await workspaceForRoute("accounts:read");
  if (!context) return notFoundResponse();
  const view = parseAccountsView(new URL(request.url).searchParams);
  const at = now();
  const page = await listAccounts(db, { workspaceId: context.workspace.id, view, now: at });
  return Response.json({ now: at.toISOString(), ...page }, { headers: { "Cache-Control": "no-store" } });
}
