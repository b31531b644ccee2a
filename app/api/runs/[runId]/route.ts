import { db } from "@/lib/db";
import { isRouteId, notFoundResponse, workspaceForRoute } from "@/lib/auth/route-workspace";
import { loadCheckRunView } from "@/lib/checks/check-runs";

export const dynamic = "force-dynamic";

/** One run's progress, items and summary (polled by the run page). */
export async function GET(_request: Request, { params }: { params: Promise<{ runId: string }> }) {
  const context = await workspaceForRoute("accounts:read");
  if (!context) return notFoundResponse();
  const { runId } = await params;
  if (!isRouteId(runId)) return notFoundResponse();
  const run = await loadCheckRunView(db, context.workspace.id, runId);
  if (!run) return notFoundResponse();
  return Response.json({ run }, { headers: { "Cache-Control": "no-store" } });
}
