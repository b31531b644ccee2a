// The end-of-run numbers: healthy, needs re-authorization by cause, eBay unavailable, cancelled.

export type SummaryItem = { status: string; verdict: string | null; cause: string | null };

export type CheckRunSummary = {
  total: number;
  finished: number;
  healthy: number;
  needsReauth: number;
  needsReauthByCause: Record<string, number>;
  ebayUnavailable: number;
  unavailableByCause: Record<string, number>;
  cancelled: number;
  /** Finished without a verdict: disconnected during the run, or ChannelKeys itself failed. */
  notChecked: number;
  pending: number;
  running: number;
};

export function summarizeCheckRun(items: readonly SummaryItem[]): CheckRunSummary {
  const summary: CheckRunSummary = {
    total: items.length,
    finished: 0,
    healthy: 0,
    needsReauth: 0,
    needsReauthByCause: {},
    ebayUnavailable: 0,
    unavailableByCause: {},
    cancelled: 0,
    notChecked: 0,
    pending: 0,
    running: 0,
  };
  for (const item of items) {
    if (item.status === "pending") summary.pending += 1;
    else if (item.status === "running") summary.running += 1;
    else if (item.status === "cancelled") summary.cancelled += 1;
    if (item.status !== "done") continue;
    summary.finished += 1;
    const cause = item.cause ?? "unknown";
    if (item.verdict === null) summary.notChecked += 1;
    else if (item.verdict === "healthy") summary.healthy += 1;
    else if (item.verdict === "needs_reauth") {
      summary.needsReauth += 1;
      summary.needsReauthByCause[cause] = (summary.needsReauthByCause[cause] ?? 0) + 1;
    } else {
      summary.ebayUnavailable += 1;
      summary.unavailableByCause[cause] = (summary.unavailableByCause[cause] ?? 0) + 1;
    }
  }
  return summary;
}
