import { db } from "@/lib/db";
import { notFoundResponse, workspaceForRoute } from "@/lib/auth/route-workspace";
import { listRecentCheckRuns } from "@/lib/checks/check-runs";

export const dynamic = "force-dynamic";

/** The workspace's recent runs (polled by the runs list while one is active). */
export async function GET() {
  const context = await workspaceForRoute("accounts:read");
  if (!context) return notFoundResponse();
  return Response.json({ runs: await listRecentCheckRuns(db, context.workspace.id) }, { headers: { "Cache-Control": "no-store" } });
}
