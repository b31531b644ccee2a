import { describe, expect, it } from "vitest";
import { formatRelative, formatTimestamp } from "@/lib/format/relative-time";

const now = new Date("2026-11-25T12:00:00Z");
const at = (ms: number) => new Date(now.getTime() + ms);

describe("formatRelative", () => {
  it("speaks in days for token lifetimes", () => {
    expect(formatRelative(at(412 * 86_400_000 + 3_600_000), now)).toBe("in 412 days");
    expect(formatRelative(at(86_400_000), now)).toBe("in 1 day");
  });
  it("uses hours and minutes for access tokens and checks", () => {
    expect(formatRelative(at(2 * 3_600_000), now)).toBe("in 2 hours");
    expect(formatRelative(at(-3 * 60_000), now)).toBe("3 minutes ago");
    expect(formatRelative(at(-20_000), now)).toBe("just now");
  });
  it("formats timestamps the same on server and client", () => {
    expect(formatTimestamp(now)).toBe("2026-11-25 12:00 UTC");
  });
});
