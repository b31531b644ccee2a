import { describe, expect, it } from "vitest";
import { adaptiveTicks, contains, fleetAxis, monthTicks, positionPercent, segment, spanningAxis, thresholdLines } from "@/lib/timeline/axis";
import { DAY_MS } from "@/lib/timeline/buckets";

const NOW = new Date("2027-05-20T12:00:00.000Z");
const inDays = (days: number) => new Date(NOW.getTime() + days * DAY_MS);

describe("fleetAxis", () => {
  const axis = fleetAxis(NOW, { lookbackDays: 60, aheadDays: 540 });

  it("spans the look back and 18 months ahead, with today at its place", () => {
    expect(axis.startMs).toBe(inDays(-60).getTime());
    expect(axis.endMs).toBe(inDays(540).getTime());
    expect(positionPercent(axis, NOW)).toBe(10);
    expect(positionPercent(axis, inDays(540))).toBe(100);
    expect(contains(axis, inDays(-61))).toBe(false);
    expect(contains(axis, inDays(539))).toBe(true);
  });

  it("clamps positions outside the axis to its edges", () => {
    expect(positionPercent(axis, inDays(-400))).toBe(0);
    expect(positionPercent(axis, inDays(4000))).toBe(100);
  });

  it("cuts segments to the axis and says which end was cut", () => {
    // A token connected 17 months ago: its lifetime starts far left of the axis and ends in 20 days.
    expect(segment(axis, inDays(-527.5), inDays(20))).toEqual({ leftPercent: 0, widthPercent: 13.333, clippedStart: true, clippedEnd: false });
    expect(segment(axis, inDays(-10), inDays(600))).toEqual({ leftPercent: 8.333, widthPercent: 91.667, clippedStart: false, clippedEnd: true });
    expect(segment(axis, inDays(-300), inDays(-100))).toBeNull();
    expect(segment(axis, inDays(30), inDays(0))).toEqual(segment(axis, inDays(0), inDays(30)));
  });

  it("draws the 7, 30 and 90 day warning lines from today", () => {
    expect(thresholdLines(axis)).toEqual([
      { days: 7, percent: 11.167, label: "7 d" },
      { days: 30, percent: 15, label: "30 d" },
      { days: 90, percent: 25, label: "90 d" },
    ]);
    expect(thresholdLines(fleetAxis(NOW, { lookbackDays: 0, aheadDays: 20 }))).toHaveLength(1);
  });

  it("labels month starts in UTC with the year on January and on the first tick", () => {
    const ticks = monthTicks(axis);
    expect(ticks[0]).toMatchObject({ label: "Apr", yearLabel: "2027" });
    expect(ticks.map((tick) => tick.label).slice(0, 10)).toEqual(["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan"]);
    expect(ticks[9]!.yearLabel).toBe("2028");
    expect(ticks[1]!.yearLabel).toBeUndefined();
    expect(ticks[1]!.percent).toBeCloseTo(((Date.UTC(2027, 4, 1) - axis.startMs) / (axis.endMs - axis.startMs)) * 100, 2);
    expect(monthTicks(axis, 3).map((tick) => tick.label).slice(0, 3)).toEqual(["Apr", "Jul", "Oct"]);
  });
});

describe("spanningAxis", () => {
  it("covers every instant and today, with a margin", () => {
    const axis = spanningAxis(NOW, [inDays(-100), null, inDays(447.5)], 0);
    expect(axis.startMs).toBe(inDays(-100).getTime());
    expect(axis.endMs).toBe(inDays(447.5).getTime());
    const withMargin = spanningAxis(NOW, [inDays(-100), inDays(100)]);
    expect(withMargin.startMs).toBeLessThan(inDays(-100).getTime());
    expect(withMargin.endMs).toBeGreaterThan(inDays(100).getTime());
  });

  it("is at least a couple of days long for a brand-new account", () => {
    const axis = spanningAxis(NOW, [new Date(NOW.getTime() - 5000)], 0);
    expect(axis.endMs - axis.startMs).toBeGreaterThanOrEqual(2 * DAY_MS);
    expect(adaptiveTicks(axis).map((tick) => tick.label)).toEqual(["20 May", "21 May"]);
  });

  it("chooses tick spacing by length", () => {
    expect(adaptiveTicks(spanningAxis(NOW, [inDays(-30)], 0)).length).toBeLessThanOrEqual(6);
    expect(adaptiveTicks(spanningAxis(NOW, [inDays(-600)], 0)).every((tick) => ["Jan", "Apr", "Jul", "Oct"].includes(tick.label))).toBe(true);
    expect(adaptiveTicks(spanningAxis(NOW, [inDays(-2000)], 0)).every((tick) => tick.label === "Jan")).toBe(true);
  });
});
