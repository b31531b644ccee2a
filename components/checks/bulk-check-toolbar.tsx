"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { startCheckRunAction } from "@/app/(app)/runs/actions/start-check-run";
import type { RowSelection } from "@/components/checks/row-selection";
import type { StatusFilter } from "@/lib/accounts/list-view";

type Props = {
  selection: RowSelection;
  /**
   * The active status filter, else null: the server resolves "every account in this filter" itself (the
   * table holds one page of rows); `checkableCount` is how many connected accounts match it on all pages.
   */
  filter: { status: StatusFilter; label: string; checkableCount: number; tag?: string | null } | null;
  connectedCount: number;
};

type Pending = "selected" | "all" | "filter" | null;

/** "Check selected", "Check all", "Check all in this filter": each starts a run and opens its page. */
export function BulkCheckToolbar({ selection, filter, connectedCount }: Props) {
  const router = useRouter();
  const [busy, startTransition] = useTransition();
  const [pending, setPending] = useState<Pending>(null);
  const [error, setError] = useState<string | null>(null);
  const selectedIds = [...selection.selected];

  const start = (which: Exclude<Pending, null>, input: Parameters<typeof startCheckRunAction>[0]) => {
    setPending(which);
    setError(null);
    startTransition(async () => {
      const result = await startCheckRunAction(input);
      if (!result.ok) {
        setError(result.error);
        setPending(null);
        return;
      }
      selection.clear();
      router.push(`/runs/${result.data.runId}`);
    });
  };

  return (
    <div role="group" aria-label="Bulk check" className="flex flex-wrap items-center gap-2">
      <Button
        size="sm"
        variant="primary"
        disabled={selectedIds.length === 0 || busy}
        loading={busy && pending === "selected"}
        loadingLabel="Starting check…"
        onClick={() => start("selected", { scope: "accounts", accountIds: selectedIds, filterLabel: "Selected accounts" })}
      >
        Check selected ({selectedIds.length})
      </Button>
      <Button
        size="sm"
        disabled={connectedCount === 0 || busy}
        loading={busy && pending === "all"}
        loadingLabel="Starting check…"
        onClick={() => start("all", { scope: "all" })}
      >
        Check all ({connectedCount})
      </Button>
      {filter ? (
        <Button
          size="sm"
          disabled={filter.checkableCount === 0 || busy}
          loading={busy && pending === "filter"}
          loadingLabel="Starting check…"
          onClick={() => start("filter", { scope: "filter", status: filter.status, ...(filter.tag ? { tag: filter.tag } : {}) })}
        >
          Check all in this filter ({filter.checkableCount})
        </Button>
      ) : null}
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
