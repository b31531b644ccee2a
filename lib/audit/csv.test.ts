import { describe, expect, it } from "vitest";
import {
  AUDIT_CSV_COLUMNS,
  auditCsvStream,
  auditEventCsvRecord,
  auditExportFilename,
} from "@/lib/audit/csv";
import type { AuditEventRow } from "@/lib/audit/query";

// A strict RFC 4180 reader, so the tests check what a spreadsheet would actually read back.
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i += 1;
      } else {
        field += ch;
        i += 1;
      }
      continue;
    }
    if (ch === '"') {
      if (field !== "") throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true;
      i += 1;
    } else if (ch === ",") {
      record.push(field);
      field = "";
      i += 1;
    } else if (ch === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i += 2;
    } else if (ch === "\r" || ch === "\n") {
      throw new Error(`bare line break outside quotes at ${i}`);
    } else {
      field += ch;
      i += 1;
    }
  }
  if (quoted) throw new Error("unterminated quoted field");
  if (field !== "" || record.length > 0) throw new Error("last record is not CRLF-terminated");
  return records;
}

function event(overrides: Partial<AuditEventRow> = {}): AuditEventRow {
  return {
    id: "evt1",
    createdAt: new Date("2025-03-14T09:26:53.589Z"),
    actorLabel: "seller@example.com",
    accountId: "acc1",
    accountName: "Main store",
    action: "status_change",
    outcome: "failure",
    detail: "eBay authorization token has expired and needs to be re-created",
    changes: { status: ["healthy", "needs_reauth"] },
    runId: "run-7",
    ...overrides,
  };
}

// ignoreBOM keeps the byte order mark in the text, so the tests can see it is there.
async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
}

async function* fromArray<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

// Every place a spreadsheet may begin a cell when its list separator is not ours (`;` in much of Europe,
// tab for pasted text) or when it re-splits lines: the whole record is cut at each of them, ignoring quotes,
// which is the worst any reader does. No piece may then begin, past blanks and double quotes, with a formula
// (a leading apostrophe is what makes a spreadsheet show the rest as text).
function piecesAnyReaderCouldSee(record: string): string[] {
  return record.split(/[,;\t|\r\n]/).map((piece) => piece.replace(/^[\s"]*/u, ""));
}
const FORMULA_START = /^[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/u;

describe("audit CSV cells", () => {
  it("quotes every cell, empty ones too, so no separator inside a cell can split it", () => {
    const record = auditEventCsvRecord(
      event({ detail: "limit; per IP, from 203.0.113.9", accountName: null, accountId: null, runId: null }),
    );
    expect(record).toMatch(/^"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*\r\n$/);
    expect(record).toContain(`"limit; per IP, from 203.0.113.9"`);
    expect(record).toContain(`,"",`);
  });

  it("round-trips awkward values through a strict reader", () => {
    const values = ['a "quoted", comma', "multi\r\nline\nvalue", "trailing,", '"', ",,,", "naïve café – ✓", "semi;colon"];
    for (const value of values) {
      const [row] = parseCsv(auditEventCsvRecord(event({ detail: value }))) as [string[]];
      expect(row[5]).toBe(value);
    }
  });
});

describe("audit CSV formula-injection protection", () => {
  it.each(["=1+1", "+1", "-2", "@SUM(A1)", "\tcmd", "\rcmd", '=HYPERLINK("http://evil","x")', "\uFF1D1+1"])(
    "prefixes %j with an apostrophe",
    (value) => {
      const [row] = parseCsv(auditEventCsvRecord(event({ detail: value }))) as [string[]];
      expect(row[5]).toBe(`'${value}`);
    },
  );

  it.each([" =1+1", "  @SUM(A1)", "\u00a0+1", '"=1+1', "'-2", ' "=cmd|\' /C calc\'!A0'])(
    "also neutralises %j, a formula behind leading blanks or quotes",
    (value) => {
      const [row] = parseCsv(auditEventCsvRecord(event({ detail: value }))) as [string[]];
      expect(row[5]).toBe(`'${value}`);
    },
  );

  it.each([
    "Main store;=HYPERLINK(\"http://evil\",\"x\")&\"",
    "a,=1+1",
    "a\t@SUM(A1)",
    "a; -2",
    'x",\"=1+1',
    "first line\r\n=1+1",
    "a|+1",
  ])("leaves no formula for a reader of any separator to find in %j", (value) => {
    const record = auditEventCsvRecord(event({ detail: value, actorLabel: value }));
    for (const piece of piecesAnyReaderCouldSee(record)) {
      expect(piece, JSON.stringify(record)).not.toMatch(FORMULA_START);
    }
  });

  it("puts the apostrophe after a whole line break, never between its CR and LF", () => {
    const [row] = parseCsv(auditEventCsvRecord(event({ detail: "first line\r\n=1+1; @x" }))) as [string[]];
    expect(row[5]).toBe("first line\r\n'=1+1;' @x");
  });

  it("does not touch triggers that cannot begin a cell", () => {
    const [row] = parseCsv(auditEventCsvRecord(event({ detail: "a=b", actorLabel: "x-1", accountName: "a - b" }))) as [
      string[],
    ];
    expect(row[5]).toBe("a=b");
    expect(row[1]).toBe("x-1");
    expect(row[2]).toBe("a - b");
  });
});

describe("audit CSV export", () => {
  it("writes one record per event in the documented columns", () => {
    const [row] = parseCsv(auditEventCsvRecord(event())) as [string[]];
    expect(row).toEqual([
      "2025-03-14T09:26:53.589Z",
      "seller@example.com",
      "Main store",
      "Status changed",
      "Failure",
      "eBay authorization token has expired and needs to be re-created",
      "Status: Healthy → Needs re-authorization",
      "run-7",
    ]);
  });

  it("falls back to the account's current name, then its id, and leaves empty cells empty", () => {
    const names = new Map([["acc1", "Renamed store"]]);
    const [withCurrent] = parseCsv(auditEventCsvRecord(event({ accountName: null }), names)) as [string[]];
    expect(withCurrent[2]).toBe("Renamed store");
    const [withId] = parseCsv(auditEventCsvRecord(event({ accountName: null, accountId: "acc9" }), names)) as [string[]];
    expect(withId[2]).toBe("acc9");
    const [bare] = parseCsv(
      auditEventCsvRecord(event({ accountName: null, accountId: null, changes: null, runId: null, detail: "" })),
    ) as [string[]];
    expect(bare.slice(2)).toEqual(["", "Status changed", "Failure", "", "", ""]);
  });

  it("neutralises formulas smuggled in through names, detail and change sets", () => {
    const [row] = parseCsv(
      auditEventCsvRecord(
        event({
          actorLabel: "=cmd()",
          accountName: "@evil",
          detail: "-1+2",
          changes: { nickname: ["a", "b"] },
        }),
      ),
    ) as [string[]];
    expect(row[1]).toBe("'=cmd()");
    expect(row[2]).toBe("'@evil");
    expect(row[5]).toBe("'-1+2");
  });

  it("never writes token values even if a change set recorded one", () => {
    const csv = auditEventCsvRecord(
      event({ changes: { accessToken: ["v^1.1#old-secret", "v^1.1#new-secret"] } }),
    );
    expect(csv).not.toContain("secret");
    expect(csv).not.toContain("v^1.1#");
  });

  it("streams a BOM, the header and every event", async () => {
    const events = Array.from({ length: 450 }, (_, n) => event({ id: `e${n}`, detail: `detail ${n}, with comma` }));
    const text = await readAll(auditCsvStream(fromArray(events)));
    expect(text.startsWith("\uFEFF")).toBe(true);
    const records = parseCsv(text.slice(1));
    expect(records[0]).toEqual([...AUDIT_CSV_COLUMNS]);
    expect(records).toHaveLength(451);
    expect(records.slice(1).map((r) => r[5])).toEqual(events.map((e) => e.detail));
  });

  it("streams just the header when nothing matches", async () => {
    const text = await readAll(auditCsvStream(fromArray([])));
    expect(parseCsv(text.slice(1))).toEqual([[...AUDIT_CSV_COLUMNS]]);
  });

  it("names the file after the UTC day of the export", () => {
    expect(auditExportFilename(new Date("2025-12-31T23:30:00.000Z"))).toBe("channelkeys-audit-2025-12-31.csv");
  });
});

describe("audit CSV export of alert settings changes (security review, finding 1)", () => {
  it("carries the same masked values as the page", () => {
    const csv = auditEventCsvRecord(
      event({
        action: "alert_settings_update",
        changes: {
          webhookUrl: ["https://hooks.slack.com/services/T1/B2/oldSecretPath", "https://hooks.slack.com/services/T1/B2/newSecretPath"],
          emailRecipients: ["alerts@shop.example", "alerts@shop.example, boss@shop.example"],
          debugDump: [null, "anything at all"],
        },
      }),
    );
    expect(csv).not.toMatch(/SecretPath|alerts@|boss@|anything at all/);
    expect(csv).toContain("https://hooks.slack.com/");
    expect(csv).toContain("b…@shop.example");
  });
});
