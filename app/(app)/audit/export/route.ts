import { auditCsvStream, auditExportFilename } from "@/lib/audit/csv";
import { currentAccountNames, iterateAuditEvents, parseAuditFilters, resolveAuditAccount } from "@/lib/audit/query";
import { notFoundResponse, workspaceForRoute } from "@/lib/auth/route-workspace";
import { db } from "@/lib/db";
import { recordAuditEvent } from "@/lib/audit/record";
import { crossSiteRefusal, isSameOriginRequest } from "@/lib/http/same-origin";

export const dynamic = "force-dynamic";

/**
 * A link (another site's included) is a GET, and a top-level GET carries the session cookie: it must change
 * nothing. The export records itself in the history, so it is a POST from the audit page's form.
 */
export async function GET(): Promise<Response> {
  return new Response("Use the Export CSV button on the Audit history page.\n", {
    status: 405,
    headers: { Allow: "POST", "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/**
 * CSV export of the current workspace's history under the same filters as the page (sent as the form's body).
 * A public endpoint: signed out, not a member, or a role without audit:export all get the same
 * 404. The workspace comes from the user's own memberships, never from the request. Only the site's own pages
 * may ask (the session cookie is SameSite=Lax, and the origin is checked as well).
 */
export async function POST(request: Request): Promise<Response> {
  if (!isSameOriginRequest(request)) return crossSiteRefusal();
  const context = await workspaceForRoute("audit:export");
  if (!context) return notFoundResponse();
  const { workspace, user } = context;
  const params = await formParams(request);
  const { filters, notes } = parseAuditFilters(params);
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
  const filterText = params.toString();
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

/** The form's fields; an unreadable body is no filter at all (and then every filter note is empty). */
async function formParams(request: Request): Promise<URLSearchParams> {
  const text = await request.text().catch(() => "");
  // Only the filter fields travel on: parseAuditFilters reports anything else it does not know.
  return new URLSearchParams(text.length > 10_000 ? "" : text);
}
