// A linear time axis mapped onto 0..100 (percent of the drawing's width), so server-rendered HTML/CSS can place
// bars, lines and markers without knowing pixel sizes, and a layout change never needs a re-computation.
import { DAY_MS, WARNING_THRESHOLD_DAYS } from "@/lib/timeline/buckets";

export type TimeAxis = { startMs: number; endMs: number; nowMs: number };

/** 18 months ahead, as the issue asks; eBay refresh tokens live 47,304,000 s (547.5 days), a little over that. */
export const FLEET_AHEAD_DAYS = 549;
/** A short look back so recent checks and the start of young tokens' bars are visible left of "today". */
export const FLEET_LOOKBACK_DAYS = 60;

/** The fleet timeline's axis: from a short look back, through today, to 18 months (and a day) ahead. */
export function fleetAxis(now: Date, options: { lookbackDays?: number; aheadDays?: number } = {}): TimeAxis {
  const nowMs = now.getTime();
  return {
    startMs: nowMs - (options.lookbackDays ?? FLEET_LOOKBACK_DAYS) * DAY_MS,
    endMs: nowMs + (options.aheadDays ?? FLEET_AHEAD_DAYS) * DAY_MS,
    nowMs,
  };
}

/**
 * An axis that holds every given instant and today, with a margin on both ends so markers at the edges are not
 * cut in half. Used for one account's history, which may span anything from minutes to years.
 */
export function spanningAxis(now: Date, instants: readonly (Date | null | undefined)[], marginFraction = 0.03): TimeAxis {
  const nowMs = now.getTime();
  let startMs = nowMs;
  let endMs = nowMs;
  for (const instant of instants) {
    if (!instant) continue;
    const ms = instant.getTime();
    if (ms < startMs) startMs = ms;
    if (ms > endMs) endMs = ms;
  }
  // A brand-new account would otherwise have an axis a few seconds long: show at least a day either side.
  if (endMs - startMs < 2 * DAY_MS) {
    startMs = Math.min(startMs, nowMs - DAY_MS);
    endMs = Math.max(endMs, nowMs + DAY_MS);
  }
  const margin = (endMs - startMs) * marginFraction;
  return { startMs: startMs - margin, endMs: endMs + margin, nowMs };
}

export function contains(axis: TimeAxis, instant: Date): boolean {
  const ms = instant.getTime();
  return ms >= axis.startMs && ms <= axis.endMs;
}

/** Percent of the width (0..100, clamped) at which `instant` sits. */
export function positionPercent(axis: TimeAxis, instant: Date | number): number {
  const ms = typeof instant === "number" ? instant : instant.getTime();
  const fraction = (ms - axis.startMs) / (axis.endMs - axis.startMs);
  return round(Math.min(1, Math.max(0, fraction)) * 100);
}

export type Segment = {
  leftPercent: number;
  widthPercent: number;
  /** The real start lies before the axis: draw an open end so nobody reads the edge as the start. */
  clippedStart: boolean;
  clippedEnd: boolean;
};

/** The visible part of [start, end], or null when none of it is on the axis. */
export function segment(axis: TimeAxis, start: Date, end: Date): Segment | null {
  const startMs = Math.min(start.getTime(), end.getTime());
  const endMs = Math.max(start.getTime(), end.getTime());
  if (endMs < axis.startMs || startMs > axis.endMs) return null;
  const leftPercent = positionPercent(axis, startMs);
  const rightPercent = positionPercent(axis, endMs);
  return {
    leftPercent,
    widthPercent: round(rightPercent - leftPercent),
    clippedStart: startMs < axis.startMs,
    clippedEnd: endMs > axis.endMs,
  };
}

export type AxisTick = { percent: number; label: string; /** January or the first tick: the year is shown. */ yearLabel?: string };

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Month starts (UTC) on the axis, every `everyMonths` months counted from January so labels line up year to year.
 * Labels are fixed English month names: server and browser render the same text.
 */
export function monthTicks(axis: TimeAxis, everyMonths = 1): AxisTick[] {
  const ticks: AxisTick[] = [];
  const first = new Date(axis.startMs);
  let year = first.getUTCFullYear();
  let month = first.getUTCMonth() + 1;
  if (month > 11) {
    month = 0;
    year += 1;
  }
  for (;;) {
    const ms = Date.UTC(year, month, 1);
    if (ms > axis.endMs) break;
    if (month % everyMonths === 0) {
      const tick: AxisTick = { percent: positionPercent(axis, ms), label: MONTHS[month]! };
      if (month === 0 || ticks.length === 0) tick.yearLabel = String(year);
      ticks.push(tick);
    }
    month += 1;
    if (month > 11) {
      month = 0;
      year += 1;
    }
  }
  return ticks;
}

/** Ticks spaced to fit: whole months, quarters or years depending on how long the axis is. */
export function adaptiveTicks(axis: TimeAxis): AxisTick[] {
  const days = (axis.endMs - axis.startMs) / DAY_MS;
  if (days <= 45) return dayTicks(axis, days <= 10 ? 1 : 7);
  if (days <= 800) return monthTicks(axis, days <= 400 ? 1 : 3);
  return monthTicks(axis, 12);
}

function dayTicks(axis: TimeAxis, everyDays: number): AxisTick[] {
  const ticks: AxisTick[] = [];
  const start = new Date(axis.startMs);
  let ms = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + 1);
  for (let index = 0; ms <= axis.endMs; index++, ms += DAY_MS) {
    if (index % everyDays !== 0) continue;
    const day = new Date(ms);
    const tick: AxisTick = { percent: positionPercent(axis, ms), label: `${day.getUTCDate()} ${MONTHS[day.getUTCMonth()]}` };
    if (ticks.length === 0 || (day.getUTCMonth() === 0 && day.getUTCDate() <= everyDays)) tick.yearLabel = String(day.getUTCFullYear());
    ticks.push(tick);
  }
  return ticks;
}

export type ThresholdLine = { days: number; percent: number; label: string };

/** The 7/30/90-day warning lines, measured from today. */
export function thresholdLines(axis: TimeAxis, days: readonly number[] = WARNING_THRESHOLD_DAYS): ThresholdLine[] {
  return days
    .map((day) => ({ days: day, ms: axis.nowMs + day * DAY_MS }))
    .filter(({ ms }) => ms >= axis.startMs && ms <= axis.endMs)
    .map(({ days: day, ms }) => ({ days: day, percent: positionPercent(axis, ms), label: `${day} d` }));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
