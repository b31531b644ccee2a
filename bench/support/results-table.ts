// The bench's one output format: rows of { name, value, unit, target?, note? }, judged against their target
// ("<= 1.2", "< 100", "= 0", ">= 2000") and printed as a plain-text table. A row without a target is "info"; a row
// with one that could not be measured fails.
import type { BenchResult } from "@/bench/emulator-throughput";

export type { BenchResult };

export type Verdict = "pass" | "fail" | "info";
export type JudgedResult = BenchResult & { verdict: Verdict };

export function judge(result: BenchResult): Verdict {
  if (!result.target) return "info";
  const match = /^\s*(<=|>=|<|>|=)\s*(-?[\d.]+)/.exec(result.target);
  if (!match || !Number.isFinite(result.value)) return "fail";
  const limit = Number(match[2]);
  const value = result.value;
  switch (match[1]) {
    case "<=":
      return value <= limit ? "pass" : "fail";
    case ">=":
      return value >= limit ? "pass" : "fail";
    case "<":
      return value < limit ? "pass" : "fail";
    case ">":
      return value > limit ? "pass" : "fail";
    default:
      return value === limit ? "pass" : "fail";
  }
}

export function judgeAll(results: BenchResult[]): JudgedResult[] {
  return results.map((result) => ({ ...result, verdict: judge(result) }));
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  return Number.isInteger(value) ? String(value) : value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2);
}

/** Fixed-width columns, with the note last so long notes do not push the figures apart. */
export function formatTable(results: JudgedResult[]): string {
  const header = ["name", "value", "unit", "target", "verdict", "note"];
  const rows = results.map((result) => [result.name, formatValue(result.value), result.unit, result.target ?? "", result.verdict, result.note ?? ""]);
  const widths = header.slice(0, 5).map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column < 5 ? (column === 1 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)) : cell))
      .join(" | ");
  return [line(header), widths.map((width) => "-".repeat(width)).join("-|-") + "-|------", ...rows.map(line)].join("\n");
}

/** The same rows as a Markdown table (for README.md). */
export function formatMarkdown(results: JudgedResult[]): string {
  const escape = (text: string) => text.replaceAll("|", "\\|");
  return [
    "| name | value | unit | target | verdict | note |",
    "|---|---:|---|---|---|---|",
    ...results.map((result) =>
      `| ${escape(result.name)} | ${formatValue(result.value)} | ${escape(result.unit)} | ${escape(result.target ?? "")} | ${result.verdict} | ${escape(result.note ?? "")} |`,
    ),
  ].join("\n");
}
