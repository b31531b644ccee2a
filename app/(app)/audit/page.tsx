import type { Metadata } from "next";
import Link from "next/link";
import { AuditFilters } from "@/components/audit/audit-filters";
import { CursorPagination } from "@/components/ui/pagination";
import { AuditTable } from "@/components/audit/audit-table";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import {
  auditAccountFilter,
  auditFilterQuery,
  currentAccountNames,
  hasActiveAuditFilters,
  hasAnyAuditEvents,
  listAuditEvents,
  parseAuditFilters,
} from "@/lib/audit/query";
import { can } from "@/lib/auth/roles";
import { requireWorkspace } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { now } from "@/lib/clock";

export const metadata: Metadata = { title: "Audit history" };

type AuditPageProps = {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

function auditHref(query: string): string {
  return query ? `/audit?${query}` : "/audit";
}

export default async function AuditPage({ searchParams }: AuditPageProps) {
  const { workspace, role } = await requireWorkspace("audit:read");
  const parsed = parseAuditFilters(await searchParams);
  const { values, filters, cursor } = parsed;
  const notes = [...parsed.notes];

  const accountFilter = await auditAccountFilter(db, workspace.id, values.account);
  if (accountFilter.selected) {
    // A name typed into a large fleet's account field becomes the account's id, in the filter and in every link.
    values.account = filters.accountId = accountFilter.selected.id;
  } else if (values.account) {
    // An account that is neither the workspace's nor on its events would filter to nothing while the filter
    // showed "All accounts": drop it and say so.
    notes.push(accountFilter.kind === "field" && accountFilter.problem ? accountFilter.problem : "The account filter did not match an account of this workspace and was ignored.");
    delete values.account;
    delete filters.accountId;
  }

  const page = await listAuditEvents(db, { workspaceId: workspace.id, ...filters, cursor });
  const filtered = hasActiveAuditFilters(values);
  const anyHistory = page.events.length > 0 || (await hasAnyAuditEvents(db, workspace.id));
  // Current names only for the accounts on this page: the table says when one was renamed since.
  const accountNames = await currentAccountNames(db, workspace.id, page.events.flatMap((event) => (event.accountId ? [event.accountId] : [])));
  const canExport = can(role, "audit:export");
  const exportQuery = auditFilterQuery(values);
  const renderedAt = now();

  return (
    <>
      <PageHeader
        title="Audit history"
        description="Every sign-in, connection, Test, token refresh, re-creation and disconnection in this workspace, with who did it and what changed. Times are in UTC."
        actions={
          canExport && anyHistory ? (
            // A form post, not a link: the export is recorded in the history, and a GET must change nothing.
            <form method="post" action="/audit/export">
              {[...new URLSearchParams(exportQuery)].map(([name, value]) => (
                <input key={name} type="hidden" name={name} value={value} />
              ))}
              <button type="submit" className={buttonClasses({ variant: "secondary" })}>
                Export CSV
              </button>
            </form>
          ) : null
        }
      />

      {notes.length > 0 ? (
        <Notice tone="warning" live={false} title="Some filters were ignored" className="mb-4">
          <ul className="list-disc space-y-0.5 pl-4">
            {notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </Notice>
      ) : null}

      {anyHistory ? <AuditFilters values={values} accountFilter={accountFilter} active={filtered} /> : null}

      {page.events.length > 0 ? (
        <>
          <AuditTable events={page.events} accountNames={accountNames} renderedAt={renderedAt} />
          {/* The history moves through time, so the links say which way. */}
          <CursorPagination
            label="Audit history pages"
            summary={`Showing ${page.events.length} ${page.events.length === 1 ? "event" : "events"}${filtered ? " matching the filters" : ""}`}
            previousLabel="Newer"
            nextLabel="Older"
            previousHref={page.prevCursor ? auditHref(auditFilterQuery(values, page.prevCursor)) : undefined}
            nextHref={page.nextCursor ? auditHref(auditFilterQuery(values, page.nextCursor)) : undefined}
          />
        </>
      ) : !anyHistory ? (
        <EmptyState
          title="No activity yet"
          description="Sign-ins, connected accounts, Tests, token refreshes and re-creations will be listed here as they happen."
          action={
            <Link href="/accounts" className={buttonClasses({ variant: "primary" })}>
              Go to accounts
            </Link>
          }
        />
      ) : cursor ? (
        <EmptyState
          title="No more events"
          description="There is nothing further in this direction."
          action={
            <Link href={auditHref(auditFilterQuery(values))} className={buttonClasses({ variant: "secondary" })}>
              Back to the newest events
            </Link>
          }
        />
      ) : (
        <EmptyState
          title="No events match these filters"
          description="Try another account, action or outcome, or a wider date range."
          action={
            <Link href="/audit" className={buttonClasses({ variant: "secondary" })}>
              Clear filters
            </Link>
          }
        />
      )}
    </>
  );
}
