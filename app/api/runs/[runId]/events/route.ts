import { db } from "@/lib/db";
import { isRouteId, notFoundResponse, workspaceForRoute } from "@/lib/auth/route-workspace";
import { loadCheckRunView } from "@/lib/checks/check-runs";
import { runProgressStream } from "@/lib/checks/run-progress-events";

export const dynamic = "force-dynamic";

/** The run page's live progress: a server-sent event stream of the run's view (lib/checks/run-progress-events.ts). */
export async function GET(request: Request, { params }: { params: Promise<{ runId: string }> }) {
  const context = await workspaceForRoute("accounts:read");
  if (!context) return notFoundResponse();
  const { runId } = await params;
  if (!isRouteId(runId)) return notFoundResponse();
  const run = await loadCheckRunView(db, context.workspace.id, runId);
  if (!run) return notFoundResponse();
  return new Response(runProgressStream(run, context.workspace.id, request.signal), {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store, no-transform",
      Connection: "keep-alive",
      // Streamed as it comes: proxies (nginx) must not buffer it.
      "X-Accel-Buffering": "no",
    },
  });
}
