import { describe, expect, it } from "vitest";
import { fleetAxis, spanningAxis } from "@/lib/timeline/axis";
import { DAY_MS } from "@/lib/timeline/buckets";
import { accountHistory, checkTicks, eventMarkers, type AuditEventRow, type TokenCheckRow } from "@/lib/timeline/events";

const NOW = new Date("2027-05-20T12:00:00.000Z");
const at = (days: number) => new Date(NOW.getTime() + days * DAY_MS);

const audit = (id: string, action: string, outcome: string, days: number): AuditEventRow => ({
  id,
  action,
  outcome,
  detail: `${action} detail`,
  actorLabel: "sam@example.test",
  createdAt: at(days),
});
const check = (id: string, verdict: string, days: number, refreshed = false): TokenCheckRow => ({
  id,
  verdict,
  message: `${verdict} message`,
  trigger: "manual",
  refreshed,
  createdAt: at(days),
});

describe("accountHistory", () => {
  it("merges audit entries and checks oldest first, keeping only what the history shows", () => {
    const events = accountHistory(
      [
        audit("a1", "account_connect", "success", -500),
        audit("a2", "account_test", "success", -400), // a Test: its TokenCheck row stands for it
        audit("a3", "token_refresh", "success", -400),
        audit("a4", "account_recreate_failed", "failure", -10),
        audit("a5", "account_recreate", "success", -9),
        audit("a6", "account_disconnect", "success", -1),
        audit("a7", "account_rename", "success", -2),
      ],
      [check("c1", "healthy", -400, true), check("c2", "needs_reauth", -11), check("c3", "ebay_unavailable", -5)],
    );
    expect(events.map((event) => event.kind)).toEqual([
      "connected",
      "refreshed",
      "check_healthy",
      "check_needs_reauth",
      "recreate_failed",
      "recreated",
      "check_unavailable",
      "disconnected",
    ]);
    expect(events[2]!.detail).toBe("healthy message · manual Test · refreshed the access token");
    expect(events[0]!.actor).toBe("sam@example.test");
  });
});

describe("eventMarkers", () => {
  it("merges same-kind events that land on the same spot and counts them", () => {
    const axis = spanningAxis(NOW, [at(-100)], 0);
    const checks = Array.from({ length: 100 }, (_, day) => check(`c${day}`, "healthy", -100 + day));
    const markers = eventMarkers(axis, accountHistory([], [...checks, check("bad", "needs_reauth", -50.2)]), 20);
    expect(markers.filter((marker) => marker.kind === "check_healthy")).toHaveLength(20);
    expect(markers.filter((marker) => marker.kind === "check_healthy").reduce((sum, marker) => sum + marker.count, 0)).toBe(100);
    const bad = markers.find((marker) => marker.kind === "check_needs_reauth");
    expect(bad).toMatchObject({ count: 1, lane: "checks", tone: "bad" });
    expect(markers.map((marker) => marker.percent)).toEqual([...markers.map((marker) => marker.percent)].sort((a, b) => a - b));
  });

  it("leaves out events outside the axis", () => {
    const axis = fleetAxis(NOW, { lookbackDays: 10, aheadDays: 10 });
    expect(eventMarkers(axis, accountHistory([audit("old", "account_connect", "success", -30)], []))).toEqual([]);
  });
});

describe("checkTicks", () => {
  it("gives one tick per day with checks, toned by that day's worst verdict", () => {
    const axis = fleetAxis(NOW, { lookbackDays: 60, aheadDays: 540 });
    const base = Date.UTC(2027, 4, 18, 8);
    const ticks = checkTicks(axis, [
      { verdict: "healthy", createdAt: new Date(base) },
      { verdict: "needs_reauth", createdAt: new Date(base + 3_600_000) },
      { verdict: "healthy", createdAt: new Date(base + 5 * 3_600_000) },
      { verdict: "ebay_unavailable", createdAt: new Date(base + DAY_MS) },
      { verdict: "healthy", createdAt: at(-200) }, // before the axis
    ]);
    expect(ticks.map(({ tone, count }) => ({ tone, count }))).toEqual([
      { tone: "bad", count: 3 },
      { tone: "warn", count: 1 },
    ]);
    expect(ticks[0]!.label).toBe("3 checks on 2027-05-18, worst: needs re-authorization");
  });
});
