"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button, buttonClasses } from "@/components/ui/button";
import { ActionError, useActionRunner } from "@/components/ui/use-action-runner";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { DataTable, TableBody, TableHead, Td, Th, Tr } from "@/components/ui/data-table";
import { Notice } from "@/components/ui/notice";
import { cancelCheckRunAction } from "@/app/(app)/runs/actions/cancel-check-run";
import { causeLabel, isActiveRunStatus, RUN_STATUS_LABELS } from "@/lib/checks/cause-labels";
import type { CheckRunItemView, CheckRunView } from "@/lib/checks/check-runs";

/** Only while the live stream is unavailable (a proxy that does not pass server-sent events). */
const POLL_MS = 2_000;

export const checkRunQueryKey = (runId: string) => ["check-run", runId] as const;

async function fetchRun(runId: string): Promise<CheckRunView> {
  const response = await fetch(`/api/runs/${encodeURIComponent(runId)}`, { cache: "no-store" });
  if (!response.ok) throw new Error(`Could not load the run (${response.status}).`);
  return ((await response.json()) as { run: CheckRunView }).run;
}

export function runStatusTone(status: string): BadgeTone {
  if (status === "completed") return "good";
  if (status === "cancelled") return "neutral";
  return "info";
}

type Permissions = { canCancel: boolean; canRecreate: boolean };

/**
 * Keeps the run's query fed from the server's event stream while the run is active (one stream per page; the server
 * loads the view once per change for every page watching). Says whether the stream is up, so polling can stand in.
 */
function useRunProgressStream(runId: string, active: boolean): boolean {
  const queryClient = useQueryClient();
  const [streaming, setStreaming] = useState(true);
  useEffect(() => {
    if (!active || typeof EventSource === "undefined") {
      setStreaming(false);
      return;
    }
    const source = new EventSource(`/api/runs/${encodeURIComponent(runId)}/events`);
    source.onopen = () => setStreaming(true);
    source.onmessage = (event: MessageEvent<string>) => {
      const { run } = JSON.parse(event.data) as { run: CheckRunView };
      queryClient.setQueryData(checkRunQueryKey(runId), run);
      if (!isActiveRunStatus(run.status)) source.close();
    };
    source.onerror = () => {
      // EventSource reconnects by itself; until it does, the page polls.
      setStreaming(false);
    };
    return () => source.close();
  }, [runId, active, queryClient]);
  return streaming;
}

/** A run's live progress (streamed while it is active), its per-account results and, at the end, the summary. */
export function CheckRunProgress({ initial, permissions }: { initial: CheckRunView; permissions: Permissions }) {
  const initiallyActive = isActiveRunStatus(initial.status);
  const [streamFor, setStreamFor] = useState(initiallyActive);
  const streaming = useRunProgressStream(initial.id, streamFor);
  const query = useQuery({
    queryKey: checkRunQueryKey(initial.id),
    queryFn: () => fetchRun(initial.id),
    initialData: initial,
    staleTime: 0,
    refetchInterval: (current) => (!streaming && current.state.data && isActiveRunStatus(current.state.data.status) ? POLL_MS : false),
  });
  const run = query.data;
  const active = isActiveRunStatus(run.status);
  useEffect(() => {
    if (!active) setStreamFor(false);
  }, [active]);
  const percent = run.total === 0 ? 100 : Math.round((run.done / run.total) * 100);
  const ended = !active;

  return (
    <div className="space-y-6">
      <Card>
        <CardBody className="space-y-3">
          <div className="flex flex-wrap items-center justify-between gap-3">
            <div className="flex flex-wrap items-center gap-2 text-sm text-gray-700">
              <Badge tone={runStatusTone(run.status)} dot>
                <span data-testid="run-status">{RUN_STATUS_LABELS[run.status] ?? run.status}</span>
              </Badge>
              <span>
                {run.filterLabel ?? "Accounts"} · started by {run.createdByLabel}
              </span>
            </div>
            {active && permissions.canCancel ? <CancelRunButton runId={run.id} disabled={run.status === "cancelling"} /> : null}
          </div>
          <div>
            <div className="mb-1 flex justify-between text-sm">
              <span id="run-progress-label" className="font-medium text-gray-900">
                Checked {run.done} of {run.total}
              </span>
              <span className="text-gray-600">{percent}%</span>
            </div>
            <div
              role="progressbar"
              aria-labelledby="run-progress-label"
              aria-valuemin={0}
              aria-valuemax={run.total}
              aria-valuenow={run.done}
              aria-valuetext={`${run.done} of ${run.total} accounts checked`}
              className="h-2.5 w-full overflow-hidden rounded-full bg-gray-200"
            >
              <div className="h-full rounded-full bg-accent-600 transition-[width]" style={{ width: `${percent}%` }} />
            </div>
          </div>
          <p className="sr-only" aria-live="polite">
            {ended ? `Run ${RUN_STATUS_LABELS[run.status]?.toLowerCase() ?? run.status}: ${run.done} of ${run.total} checked.` : ""}
          </p>
          {active && run.waitingUntil ? (
            <Notice tone="warning" live={false} title="Waiting for eBay">
              eBay asked ChannelKeys to slow down (a rate limit, Retry-After or the daily call quota). The run resumes at{" "}
              {new Date(run.waitingUntil).toLocaleTimeString()}; nothing is lost meanwhile.
            </Notice>
          ) : null}
          {run.status === "cancelling" ? (
            <p className="text-sm text-gray-700">Cancelling: checks already at eBay finish, the rest will not start.</p>
          ) : null}
          {query.error && active ? (
            <p role="alert" className="text-sm text-red-700">
              Progress could not be refreshed; retrying.
            </p>
          ) : null}
        </CardBody>
      </Card>

      {ended ? <RunSummary run={run} canRecreate={permissions.canRecreate} /> : null}

      <DataTable caption="Results per account" showCaption>
        <TableHead>
          <tr>
            <Th>Account</Th>
            <Th>Result</Th>
            <Th>Details</Th>
            <Th align="right">Attempts</Th>
          </tr>
        </TableHead>
        <TableBody>
          {run.items.map((item) => (
            <Tr key={item.id} data-item-account-id={item.accountId} data-item-status={item.status} data-verdict={item.verdict ?? ""}>
              <Td>
                <Link href={`/accounts/${item.accountId}`} className="font-medium text-gray-900 hover:underline">
                  {item.accountName}
                </Link>
              </Td>
              <Td>
                <ItemResult item={item} />
              </Td>
              <Td className="max-w-md text-xs text-gray-700">{item.message ?? ""}</Td>
              <Td align="right">{item.attempts}</Td>
            </Tr>
          ))}
        </TableBody>
      </DataTable>
    </div>
  );
}

function ItemResult({ item }: { item: CheckRunItemView }) {
  if (item.status === "cancelled") return <Badge tone="neutral">Cancelled</Badge>;
  if (item.status === "running") return <Badge tone="info">Checking…</Badge>;
  if (item.status === "pending") {
    return item.verdict === "ebay_unavailable" ? (
      <Badge tone="warn">Retrying ({causeLabel(item.cause)})</Badge>
    ) : (
      <Badge tone="neutral">Waiting</Badge>
    );
  }
  if (item.verdict === "healthy") return <Badge tone="good" dot>Healthy</Badge>;
  if (item.verdict === "needs_reauth") return <Badge tone="bad" dot>Needs re-authorization</Badge>;
  if (item.verdict === "ebay_unavailable") return <Badge tone="warn" dot>eBay unavailable</Badge>;
  return <Badge tone="neutral">Not checked</Badge>;
}

function CancelRunButton({ runId, disabled }: { runId: string; disabled: boolean }) {
  const queryClient = useQueryClient();
  const { pending, error, run } = useActionRunner();
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <Button
        variant="danger"
        size="sm"
        disabled={disabled}
        loading={pending}
        loadingLabel="Cancelling…"
        onClick={() =>
          run(async () => {
            const result = await cancelCheckRunAction({ runId });
            await queryClient.invalidateQueries({ queryKey: checkRunQueryKey(runId) });
            return result;
          })
        }
      >
        Cancel run
      </Button>
      <ActionError error={error} />
    </span>
  );
}

function RunSummary({ run, canRecreate }: { run: CheckRunView; canRecreate: boolean }) {
  const { summary } = run;
  const needsReauth = run.items.filter((item) => item.status === "done" && item.verdict === "needs_reauth");
  const causes = Object.entries(summary.needsReauthByCause).sort((a, b) => b[1] - a[1]);
  const unavailableCauses = Object.entries(summary.unavailableByCause).sort((a, b) => b[1] - a[1]);
  return (
    <Card>
      <CardHeader title="Summary" description={`${summary.finished} of ${summary.total} accounts checked.`} />
      <CardBody className="space-y-5">
        <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
          <SummaryFigure label="Healthy" value={summary.healthy} testId="summary-healthy" />
          <SummaryFigure label="Need re-authorization" value={summary.needsReauth} testId="summary-needs-reauth" />
          <SummaryFigure label="eBay unavailable" value={summary.ebayUnavailable} testId="summary-unavailable" />
          <SummaryFigure label="Cancelled" value={summary.cancelled} testId="summary-cancelled" />
        </dl>
        {summary.notChecked > 0 ? (
          <p className="text-sm text-gray-700">{summary.notChecked} could not be checked (see the results below).</p>
        ) : null}
        {causes.length > 0 ? (
          <section aria-labelledby="reauth-causes" className="space-y-2">
            <h3 id="reauth-causes" className="text-sm font-semibold text-gray-900">
              Need re-authorization, by cause
            </h3>
            <ul className="space-y-1 text-sm" data-testid="reauth-causes">
              {causes.map(([cause, count]) => (
                <li key={cause}>
                  {causeLabel(cause)}: <strong>{count}</strong>
                </li>
              ))}
            </ul>
            <ul className="space-y-1 text-sm text-gray-700">
              {needsReauth.map((item) => (
                <li key={item.id}>
                  <Link href={`/accounts/${item.accountId}`} className="hover:underline">
                    {item.accountName}
                  </Link>{" "}
                  — {causeLabel(item.cause)}
                </li>
              ))}
            </ul>
            {canRecreate ? (
              <Link href={`/recreate-queue?run=${encodeURIComponent(run.id)}`} className={buttonClasses({ variant: "primary", size: "md" })}>
                Start re-create queue
              </Link>
            ) : null}
          </section>
        ) : null}
        {unavailableCauses.length > 0 ? (
          <section aria-labelledby="unavailable-causes" className="space-y-1 text-sm">
            <h3 id="unavailable-causes" className="font-semibold text-gray-900">
              eBay unavailable, by cause
            </h3>
            <ul data-testid="unavailable-causes">
              {unavailableCauses.map(([cause, count]) => (
                <li key={cause}>
                  {causeLabel(cause)}: <strong>{count}</strong>
                </li>
              ))}
            </ul>
            <p className="text-gray-600">These tokens were not marked bad: the scheduler checks them again later.</p>
          </section>
        ) : null}
      </CardBody>
    </Card>
  );
}

function SummaryFigure({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <div className="rounded-md border border-gray-200 p-3">
      <dt className="text-sm text-gray-600">{label}</dt>
      <dd className="text-2xl font-semibold text-gray-900" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
