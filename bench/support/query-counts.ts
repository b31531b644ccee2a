// Reading what bench/support/count-database-queries.cjs counted in a measured process (web or worker): it is told
// to write its counts (SIGUSR2), then its file is read. Subtract two readings for the work done in between.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { sleep } from "@/bench/support/concurrency";

export const QUERY_COUNTER_PRELOAD = path.join(__dirname, "count-database-queries.cjs");

export type QueryCounts = { queries: number; rows: number; transactions: number; byKind: Record<string, number> };

export const NO_QUERIES: QueryCounts = { queries: 0, rows: 0, transactions: 0, byKind: {} };

function readCountsFile(file: string): (QueryCounts & { at: number }) | null {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as QueryCounts & { at: number };
  } catch {
    return null;
  }
}

/** The process's counts as of now (it is asked to write them first); zeros when it is gone or never counted. */
export async function readQueryCounts(directory: string, pid: number): Promise<QueryCounts> {
  const file = path.join(directory, `${pid}.json`);
  const before = readCountsFile(file);
  const signalledAt = Date.now();
  try {
    process.kill(pid, "SIGUSR2");
  } catch {
    return before ?? NO_QUERIES;
  }
  // The write is synchronous in the signal handler; wait until the file says it is no older than the signal.
  for (let waited = 0; waited < 2_000; waited += 10) {
    await sleep(10);
    const current = existsSync(file) ? readCountsFile(file) : null;
    if (current && current.at >= signalledAt) return current;
  }
  return readCountsFile(file) ?? NO_QUERIES;
}

export function countsBetween(before: QueryCounts, after: QueryCounts): QueryCounts {
  const byKind: Record<string, number> = {};
  for (const kind of new Set([...Object.keys(before.byKind), ...Object.keys(after.byKind)])) {
    const delta = (after.byKind[kind] ?? 0) - (before.byKind[kind] ?? 0);
    if (delta !== 0) byKind[kind] = delta;
  }
  return { queries: after.queries - before.queries, rows: after.rows - before.rows, transactions: after.transactions - before.transactions, byKind };
}

export function addCounts(a: QueryCounts, b: QueryCounts): QueryCounts {
  const byKind: Record<string, number> = { ...a.byKind };
  for (const [kind, count] of Object.entries(b.byKind)) byKind[kind] = (byKind[kind] ?? 0) + count;
  return { queries: a.queries + b.queries, rows: a.rows + b.rows, transactions: a.transactions + b.transactions, byKind };
}

/** "select 3.1, begin 1.0, …" per unit, largest first. */
export function describeKinds(counts: QueryCounts, per: number, top = 8): string {
  return Object.entries(counts.byKind)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([kind, count]) => `${kind} ${(count / per).toFixed(2)}`)
    .join(", ");
}
