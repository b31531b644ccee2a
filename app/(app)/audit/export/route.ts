import { auditCsvStream, auditExportFilename } from "@/lib/audit/csv";
import { currentAccountNames, iterateAuditEvents, parseAuditFilters, resolveAuditAccount } from "@/lib/audit/query";
import { notFoundResponse, workspaceForRoute } from "@/lib/auth/route-workspace";
import { db } from "@/lib/db";
import { recordAuditEvent } from "@/lib/audit/record";

export const dynamic = "force-dynamic";

/**
 * CSV export of the current workspace's history under the same filters as the page.
 * A public endpoint: signed out, not a member, or a role without audit:export all get the same
 * 404. The workspace comes from the user's own memberships, never from the URL.
 */
export async function GET(request: Request): Promise<Response> {
  const context = await workspaceForRoute("audit:export");
  if (!context) return notFoundResponse();
  const { workspace, user } = context;
  const { filters, notes } = parseAuditFilters(new URL(request.url).searchParams);
  // The same account the page would pick (links carry its id; a large fleet's field may carry its name). A value
  // that names no account of this workspace stays as it is: it matches no event, and the export is the header alone.
  if (filters.accountId) {
    const resolved = await resolveAuditAccount(db, workspace.id, filters.accountId);
    if ("account" in resolved) filters.accountId = resolved.account.id;
  }
  // The page shows ignored filters and carries on; an export that silently dropped a filter
  // would hand over more history than was asked for, so refuse instead.
  if (notes.length > 0) {
    return new Response(`Export not started: ${notes.join(" ")}\n`, {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }

  const accountNames = await currentAccountNames(db, workspace.id);
  const filterText = new URL(request.url).searchParams.toString();
  // Who took a copy of the history, and of which part, is itself history: recorded once the last
  // row has been sent, so the export never contains its own entry.
  const body = auditCsvStream(iterateAuditEvents(db, { workspaceId: workspace.id, ...filters }), accountNames).pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      flush: () =>
        recordAuditEvent(db, {
          workspaceId: workspace.id,
          actorUserId: user.id,
          actorLabel: user.email,
          action: "audit_export",
          outcome: "success",
          detail: filterText ? `CSV export with filters ${filterText}` : "CSV export of the whole history",
        }),
    }),
  );

  return new Response(body, {
    status: 200,
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${auditExportFilename(new Date())}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
