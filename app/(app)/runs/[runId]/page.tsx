import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { db } from "@/lib/db";
import { can } from "@/lib/auth/roles";
import { requireWorkspace } from "@/lib/auth/session";
import { loadCheckRunView } from "@/lib/checks/check-runs";
import { formatTimestamp } from "@/lib/format/relative-time";
import { PageHeader } from "@/components/ui/page-header";
import { CheckRunProgress } from "@/components/checks/check-run-progress";

export const metadata: Metadata = { title: "Bulk check · ChannelKeys" };

export default async function CheckRunPage({ params }: { params: Promise<{ runId: string }> }) {
  const { workspace, role } = await requireWorkspace("accounts:read");
  const { runId } = await params;
  const run = await loadCheckRunView(db, workspace.id, runId);
  if (!run) notFound();
  return (
    <>
      <PageHeader
        back={{ href: "/runs", label: "Bulk checks" }}
        title={`Bulk check of ${run.total} account${run.total === 1 ? "" : "s"}`}
        description={`Started ${formatTimestamp(new Date(run.createdAt))}. Results appear as each account is checked; you can leave this page, the run carries on.`}
      />
      <CheckRunProgress
        initial={run}
        permissions={{ canCancel: can(role, "accounts:test"), canRecreate: can(role, "accounts:recreate") }}
      />
    </>
  );
}
