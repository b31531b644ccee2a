import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { db } from "@/lib/db";
import { can } from "@/lib/auth/roles";
import { requireWorkspace } from "@/lib/auth/session";
import { loadRecreateQueue, type RecreateQueueEntry } from "@/lib/checks/recreate-queue";
import { causeLabel } from "@/lib/checks/cause-labels";
import { describeStatus } from "@/lib/tokens/status-copy";
import { PageHeader } from "@/components/ui/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { buttonClasses } from "@/components/ui/button";
import { QueueRecreateButton } from "@/components/checks/queue-recreate-button";

export const metadata: Metadata = { title: "Re-create queue · ChannelKeys" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function RecreateQueuePage({ searchParams }: { searchParams: SearchParams }) {
  const { workspace, role } = await requireWorkspace("accounts:recreate");
  const params = await searchParams;
  const runId = typeof params.run === "string" ? params.run : null;
  if (!runId) notFound();
  const queue = await loadRecreateQueue(db, workspace.id, runId);
  if (!queue) notFound();
  // "Skip for now" moves an account to the back for this visit; it stays in the queue.
  const skipped = new Set(typeof params.skip === "string" ? params.skip.split(",").filter(Boolean) : []);
  const remaining = queue.entries.filter((entry) => entry.state === "remaining");
  const current = remaining.find((entry) => !skipped.has(entry.accountId)) ?? remaining[0] ?? null;
  const recreated = queue.entries.filter((entry) => entry.state === "recreated").length;
  const position = current ? queue.entries.indexOf(current) + 1 : null;
  const runHref = `/runs/${encodeURIComponent(runId)}`;

  return (
    <>
      <PageHeader
        back={{ href: runHref, label: "Bulk check" }}
        title="Re-create queue"
        description="Each account that needs re-authorization, one at a time: ChannelKeys sends you to eBay, where you sign in as that account's eBay user and agree. You come back here for the next one."
        meta={
          <span data-testid="queue-progress">
            {recreated} of {queue.entries.length} re-created
          </span>
        }
      />
      {queue.entries.length === 0 ? (
        <Notice tone="success" live={false} title="Nothing to re-create">
          This run found no account needing re-authorization.
        </Notice>
      ) : current === null ? (
        <Notice
          tone="success"
          title="Every account in this queue has been dealt with"
          action={
            <Link href="/accounts" className={buttonClasses({ size: "sm" })}>
              Back to accounts
            </Link>
          }
        >
          All tokens from this run that needed re-authorization are healthy again (or were disconnected).
        </Notice>
      ) : (
        <Card className="mb-6">
          <CardHeader
            title={
              <span>
                Account {position} of {queue.entries.length}: <span data-testid="queue-current">{current.accountName}</span>
              </span>
            }
            description={causeLabel(current.cause)}
          />
          <CardBody className="space-y-4">
            <p className="text-sm text-gray-700">{describeStatus({ status: "needs_reauth", cause: current.statusCause ?? current.cause }).message}</p>
            <p className="text-sm text-gray-700">
              On eBay, sign in as <strong>{current.accountName}</strong>. If you sign in as another eBay user, ChannelKeys refuses the
              result and nothing is overwritten.
            </p>
            <div className="flex flex-wrap items-start gap-3">
              {can(role, "accounts:recreate") ? <QueueRecreateButton runId={runId} accountId={current.accountId} tokens={current.tokens} /> : null}
              {remaining.length > 1 ? (
                <Link
                  href={`/recreate-queue?run=${encodeURIComponent(runId)}&skip=${encodeURIComponent([...skipped, current.accountId].join(","))}`}
                  className={buttonClasses({ variant: "secondary" })}
                >
                  Skip for now
                </Link>
              ) : null}
            </div>
          </CardBody>
        </Card>
      )}
      {queue.entries.length > 0 ? (
        <Card>
          <CardHeader title="Queue" />
          <CardBody>
            <ol className="space-y-2 text-sm" aria-label="Accounts in the queue">
              {queue.entries.map((entry) => (
                <QueueRow key={entry.accountId} entry={entry} current={entry === current} />
              ))}
            </ol>
          </CardBody>
        </Card>
      ) : null}
    </>
  );
}

function QueueRow({ entry, current }: { entry: RecreateQueueEntry; current: boolean }) {
  return (
    <li
      className="flex flex-wrap items-center justify-between gap-2 border-b border-gray-100 pb-2"
      data-queue-account-id={entry.accountId}
      data-queue-state={entry.state}
      aria-current={current ? "step" : undefined}
    >
      <span>
        <Link href={`/accounts/${entry.accountId}`} className="font-medium text-gray-900 hover:underline">
          {entry.accountName}
        </Link>{" "}
        <span className="text-gray-600">— {causeLabel(entry.cause)}</span>
      </span>
      {entry.state === "recreated" ? (
        <Badge tone="good" dot>
          Re-created · healthy now
        </Badge>
      ) : entry.state === "gone" ? (
        <Badge tone="neutral">Disconnected</Badge>
      ) : current ? (
        <Badge tone="info">Current</Badge>
      ) : (
        <Badge tone="warn">To do</Badge>
      )}
    </li>
  );
}
