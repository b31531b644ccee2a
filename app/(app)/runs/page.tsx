import type { Metadata } from "next";
import Link from "next/link";
import { db } from "@/lib/db";
import { requireWorkspace } from "@/lib/auth/session";
import { listRecentCheckRuns } from "@/lib/checks/check-runs";
import { RUN_STATUS_LABELS } from "@/lib/checks/cause-labels";
import { formatTimestamp } from "@/lib/format/relative-time";
import { PageHeader } from "@/components/ui/page-header";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { buttonClasses } from "@/components/ui/button";
import { DataTable, TableBody, TableHead, Td, Th, Tr } from "@/components/ui/data-table";

export const metadata: Metadata = { title: "Bulk checks · ChannelKeys" };

export default async function CheckRunsPage() {
  const { workspace } = await requireWorkspace("accounts:read");
  const runs = await listRecentCheckRuns(db, workspace.id);
  return (
    <>
      <PageHeader title="Bulk checks" description="Recent checks over many accounts at once, started from the accounts page or by the scheduler." />
      {runs.length === 0 ? (
        <EmptyState
          title="No bulk checks yet"
          description='On the accounts page, tick some accounts and choose "Check selected", or "Check all".'
          action={
            <Link href="/accounts" className={buttonClasses({ variant: "primary" })}>
              Go to accounts
            </Link>
          }
        />
      ) : (
        <DataTable caption="Recent bulk checks">
          <TableHead>
            <tr>
              <Th>Started</Th>
              <Th>Accounts</Th>
              <Th>Status</Th>
              <Th>Progress</Th>
              <Th>Started by</Th>
            </tr>
          </TableHead>
          <TableBody>
            {runs.map((run) => (
              <Tr key={run.id} data-run-id={run.id}>
                <Td>
                  <Link href={`/runs/${run.id}`} className="font-medium text-gray-900 hover:underline">
                    {formatTimestamp(new Date(run.createdAt))}
                  </Link>
                </Td>
                <Td>{run.filterLabel ?? "Accounts"}</Td>
                <Td>
                  <Badge tone={run.status === "completed" ? "good" : run.status === "cancelled" ? "neutral" : "info"}>
                    {RUN_STATUS_LABELS[run.status] ?? run.status}
                  </Badge>
                </Td>
                <Td>
                  {run.done} of {run.total}
                </Td>
                <Td>{run.trigger === "scheduler" ? "Scheduler" : run.createdByLabel}</Td>
              </Tr>
            ))}
          </TableBody>
        </DataTable>
      )}
    </>
  );
}
