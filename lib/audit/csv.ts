import { auditActionLabel, auditOutcomeLabel, formatAuditChanges, parseAuditChanges } from "@/lib/audit/labels";
import type { AuditEventRow } from "@/lib/audit/query";

export const AUDIT_CSV_COLUMNS = ["time", "actor", "account", "action", "outcome", "detail", "changes", "run id"] as const;

// Spreadsheet apps evaluate a cell that starts with one of these as a formula (CSV injection):
// a leading apostrophe makes them show the text as typed instead.
const FORMULA_TRIGGER = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One RFC 4180 field, neutralised against formula injection. */
export function csvCell(value: string): string {
  const safe = FORMULA_TRIGGER.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One record, CRLF-terminated as RFC 4180 specifies. */
export function csvRecord(values: readonly string[]): string {
  return values.map(csvCell).join(",") + "\r\n";
}

/**
 * The account as the history shows it: the name recorded with the event (what it was called
 * then), else the account's current name, else its id.
 */
export function auditAccountDisplay(
  event: Pick<AuditEventRow, "accountId" | "accountName">,
  currentAccountNames?: ReadonlyMap<string, string>,
): string {
  if (event.accountName) return event.accountName;
  if (!event.accountId) return "";
  return currentAccountNames?.get(event.accountId) ?? event.accountId;
}

export function auditEventCsvRecord(event: AuditEventRow, currentAccountNames?: ReadonlyMap<string, string>): string {
  return csvRecord([
    event.createdAt.toISOString(),
    event.actorLabel,
    auditAccountDisplay(event, currentAccountNames),
    auditActionLabel(event.action),
    auditOutcomeLabel(event.outcome),
    event.detail,
    formatAuditChanges(parseAuditChanges(event.changes)),
    event.runId ?? "",
  ]);
}

/**
 * Streams the CSV as bytes while `events` pages through the database, so an export of
 * 100,000 events never sits in memory whole. Starts with a UTF-8 byte order mark so Excel
 * reads non-ASCII names correctly.
 */
export function auditCsvStream(
  events: AsyncIterable<AuditEventRow>,
  currentAccountNames?: ReadonlyMap<string, string>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = events[Symbol.asyncIterator]();
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode("\uFEFF" + csvRecord(AUDIT_CSV_COLUMNS)));
        return;
      }
      // Batch rows per chunk: one enqueue per row would make the stream chatty.
      let chunk = "";
      for (let rows = 0; rows < 200; rows++) {
        const next = await iterator.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += auditEventCsvRecord(next.value, currentAccountNames);
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/** channelkeys-audit-2025-03-14.csv (UTC date of the export). */
export function auditExportFilename(exportedAt: Date): string {
  return `channelkeys-audit-${exportedAt.toISOString().slice(0, 10)}.csv`;
}
