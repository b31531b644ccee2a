"use client";

import Link from "next/link";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { importAccountsCsvAction } from "@/lib/actions/accounts/import-accounts-csv";

type Row = { row: number; ok: true; accountId: string; name: string; created: boolean } | { row: number; ok: false; message: string };

export function ImportCsvForm() {
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <form
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(async () => {
          setRows(null);
          if (!file) return setError("Choose a CSV file.");
          const result = await importAccountsCsvAction({ csv: await file.text() });
          if (!result.ok) return setError(result.error);
          setError(null);
          setRows(result.data.results);
        });
      }}
    >
      <Field id="import-csv" label="CSV file">
        <input id="import-csv" type="file" accept=".csv,text/csv" onChange={(event) => setFile(event.target.files?.[0] ?? null)} className="text-sm" />
      </Field>
      {error ? <Notice tone="error">{error}</Notice> : null}
      <Button type="submit" variant="primary" loading={pending} loadingLabel="Importing…">
        Import accounts
      </Button>
      {rows ? (
        <ul aria-label="Import results" className="space-y-1 text-sm">
          {rows.map((row) =>
            row.ok ? (
              <li key={row.row}>
                Row {row.row}: {row.created ? "imported" : "updated"} <Link className="underline" href={`/accounts/${row.accountId}`}>{row.name}</Link>
              </li>
            ) : (
              <li key={row.row} className="text-red-700">
                Row {row.row}: not imported. {row.message}
              </li>
            ),
          )}
        </ul>
      ) : null}
    </form>
  );
}
