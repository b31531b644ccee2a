"use client";

import { useCallback, useEffect, useRef, useState } from "react";

// Row selection for the accounts table: a set of ids plus native checkboxes (Space toggles, Tab moves),
// so keyboard and screen-reader users get the platform's own behaviour.

export type RowSelection = {
  selected: ReadonlySet<string>;
  isSelected(id: string): boolean;
  toggle(id: string, on: boolean): void;
  setMany(ids: readonly string[], on: boolean): void;
  clear(): void;
};

export function useRowSelection(): RowSelection {
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = useCallback((id: string, on: boolean) => {
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);
  const setMany = useCallback((ids: readonly string[], on: boolean) => {
    setSelected((current) => {
      const next = new Set(current);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });
  }, []);
  const clear = useCallback(() => setSelected(new Set()), []);
  return { selected, isSelected: (id) => selected.has(id), toggle, setMany, clear };
}

const CHECKBOX = "h-4 w-4 rounded border-gray-400 text-accent-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600";

export function SelectRowCheckbox({ id, name, selection, disabled }: { id: string; name: string; selection: RowSelection; disabled?: boolean }) {
  return (
    <input
      type="checkbox"
      className={CHECKBOX}
      aria-label={`Select ${name}`}
      checked={selection.isSelected(id)}
      disabled={disabled}
      onChange={(event) => selection.toggle(id, event.currentTarget.checked)}
    />
  );
}

/** Selects or clears every row shown; "mixed" (indeterminate) when only some are selected. */
export function SelectAllCheckbox({ ids, selection }: { ids: readonly string[]; selection: RowSelection }) {
  const ref = useRef<HTMLInputElement>(null);
  const count = ids.filter((id) => selection.isSelected(id)).length;
  const all = ids.length > 0 && count === ids.length;
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = count > 0 && !all;
  }, [count, all]);
  return (
    <input
      ref={ref}
      type="checkbox"
      className={CHECKBOX}
      aria-label="Select all accounts shown"
      checked={all}
      disabled={ids.length === 0}
      onChange={(event) => selection.setMany(ids, event.currentTarget.checked)}
    />
  );
}
