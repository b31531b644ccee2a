import { auditActionLabel, auditOutcomeLabel, formatAuditChanges, parseAuditChanges } from "@/lib/audit/labels";
import type { AuditEventRow } from "@/lib/audit/query";
import { stringify, type Options } from "csv-stringify/sync";

export const AUDIT_CSV_COLUMNS = ["time", "actor", "account", "action", "outcome", "detail", "changes", "run id"] as const;

// Spreadsheets evaluate a cell that begins with = + - @ (or their full-width forms) as a formula, and some
// still do when blanks or quotes come first. A leading apostrophe makes them show the text as typed.
const FORMULA_START = "[=+\\-@\\uFF1D\\uFF0B\\uFF0D\\uFF20]";
const BLANKS_OR_QUOTES = "[\\s\"'\\u2018\\u2019\\u201C\\u201D]";
const FORMULA_BEHIND_PADDING = new RegExp(`^${BLANKS_OR_QUOTES}+${FORMULA_START}`, "u");
// Every cell is quoted, so a reader that splits on our comma never cuts inside one. A reader whose list
// separator is another (`;` in much of Europe, tab, `|`) or that breaks lines without minding quotes may
// still start a cell after any of these inside our text: the apostrophe goes right after the last of a run
// (between CR and LF it would split the line break).
const INNER_SEPARATOR = "[,;\\t|\\r\\n]";
const FORMULA_AFTER_INNER_SEPARATOR = new RegExp(
  `(?<=${INNER_SEPARATOR})(?!${INNER_SEPARATOR})(?=${BLANKS_OR_QUOTES}*${FORMULA_START})`,
  "gu",
);

/**
 * What csv-stringify's `escape_formulas` does not cover: a formula behind leading blanks or quotes, and one
 * after a separator or line break inside the text. The library handles a formula character that comes first.
 */
function neutraliseHiddenFormulas(value: string): string {
  const innerCellsSafe = value.replace(FORMULA_AFTER_INNER_SEPARATOR, "'");
  return FORMULA_BEHIND_PADDING.test(innerCellsSafe) ? `'${innerCellsSafe}` : innerCellsSafe;
}

const CSV_OPTIONS = {
  // Quoting every cell, empty ones too, keeps a `,` or `;` inside a value from ever splitting it.
  quoted: true,
  quoted_empty: true,
  escape_formulas: true,
  cast: { string: neutraliseHiddenFormulas },
  // RFC 4180 records end with CRLF, the last one too.
  record_delimiter: "windows",
} as const satisfies Options;

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

function auditEventCells(event: AuditEventRow, currentAccountNames?: ReadonlyMap<string, string>): string[] {
  return [
    event.createdAt.toISOString(),
    event.actorLabel,
    auditAccountDisplay(event, currentAccountNames),
    auditActionLabel(event.action),
    auditOutcomeLabel(event.outcome),
    event.detail,
    formatAuditChanges(parseAuditChanges(event.changes)),
    event.runId ?? "",
  ];
}

/** One event as one CSV record (CRLF-terminated). */
export function auditEventCsvRecord(event: AuditEventRow, currentAccountNames?: ReadonlyMap<string, string>): string {
  return stringify([auditEventCells(event, currentAccountNames)], CSV_OPTIONS);
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
        const header = stringify([], { ...CSV_OPTIONS, bom: true, header: true, columns: [...AUDIT_CSV_COLUMNS] });
        controller.enqueue(encoder.encode(header));
        return;
      }
      // Batch rows per chunk: one enqueue per row would make the stream chatty.
      const rows: string[][] = [];
      let done = false;
      while (rows.length < 200) {
        const next = await iterator.next();
        if (next.done) {
          done = true;
          break;
        }
        rows.push(auditEventCells(next.value, currentAccountNames));
      }
      if (rows.length > 0) controller.enqueue(encoder.encode(stringify(rows, CSV_OPTIONS)));
      if (done) controller.close();
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
