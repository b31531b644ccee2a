import { describe, expect, it } from "vitest";
import { DAY_MS } from "@/lib/timeline/buckets";
import { calendarFilename, expiryCalendar, expiryEventUid, type CalendarAccount } from "@/lib/timeline/expiry-calendar";
import { escapeText, foldLine, formatDateTime, writeCalendar } from "@/lib/timeline/ics";

const octets = (text: string) => new TextEncoder().encode(text).length;

describe("escapeText", () => {
  it("escapes backslash, semicolon, comma and every newline form", () => {
    expect(escapeText("a\\b;c,d\ne\r\nf\rg")).toBe("a\\\\b\\;c\\,d\\ne\\nf\\ng");
    expect(escapeText("plain: colons stay")).toBe("plain: colons stay");
  });
});

describe("foldLine", () => {
  it("leaves lines of 75 octets alone", () => {
    const line = "X".repeat(75);
    expect(foldLine(line)).toBe(line);
  });

  it("folds longer lines at 75 octets with CRLF + space, and unfolding restores them", () => {
    const line = `DESCRIPTION:${"abcdefghij".repeat(20)}`;
    const folded = foldLine(line);
    const parts = folded.split("\r\n");
    expect(parts.length).toBe(3);
    expect(octets(parts[0]!)).toBe(75);
    expect(parts.slice(1).every((part) => part.startsWith(" ") && octets(part) <= 75)).toBe(true);
    expect(folded.replace(/\r\n /g, "")).toBe(line);
  });

  it("never splits a multi-byte UTF-8 character", () => {
    const line = `SUMMARY:${"é€😀".repeat(30)}`;
    const folded = foldLine(line);
    for (const part of folded.split("\r\n")) {
      expect(octets(part)).toBeLessThanOrEqual(75);
      expect(part).not.toContain("\uFFFD");
      // Every part is valid UTF-8 on its own: encoding and decoding it gives it back.
      expect(new TextDecoder("utf-8", { fatal: true }).decode(new TextEncoder().encode(part))).toBe(part);
    }
    expect(folded.replace(/\r\n /g, "")).toBe(line);
  });
});

describe("writeCalendar", () => {
  const now = new Date("2027-05-20T12:00:00.000Z");
  const account = (overrides: Partial<CalendarAccount>): CalendarAccount => ({
    id: "acc1",
    name: "demo_us_store",
    ebayUserId: "k3q7abc12de",
    environment: "production",
    status: "healthy",
    verdictStatus: "healthy",
    refreshTokenExpiresAt: new Date(now.getTime() + 20 * DAY_MS),
    stateVersion: 3,
    ...overrides,
  });

  const calendar = expiryCalendar({
    workspaceName: "Sam's shops, EU; US",
    now,
    appUrl: "http://localhost:3202",
    accounts: [
      account({ id: "later", name: "Later, Ltd; \\ shop", refreshTokenExpiresAt: new Date(now.getTime() + 400 * DAY_MS), stateVersion: 9 }),
      account({}),
      account({ id: "soon", name: "soon", refreshTokenExpiresAt: new Date(now.getTime() + 3 * DAY_MS) }),
      account({ id: "revoked", name: "revoked", status: "needs_reauth", verdictStatus: "needs_reauth" }),
      account({ id: "past", name: "past", refreshTokenExpiresAt: new Date(now.getTime() - DAY_MS) }),
      account({ id: "none", name: "none", refreshTokenExpiresAt: null }),
    ],
  });
  const text = writeCalendar(calendar);

  it("ends every line with CRLF and keeps every physical line within 75 octets", () => {
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    for (const line of text.split("\r\n").slice(0, -1)) expect(octets(line)).toBeLessThanOrEqual(75);
    expect(text.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")).toBe(true);
    expect(text.trimEnd().endsWith("END:VCALENDAR")).toBe(true);
  });

  it("has one event per upcoming expiry, soonest first, with stable UIDs, escaped text and reminders not yet past", () => {
    const unfolded = text.replace(/\r\n /g, "");
    const events = unfolded.split("BEGIN:VEVENT").slice(1);
    expect(events).toHaveLength(3);
    expect(events.map((event) => /UID:(.*)\r\n/.exec(event)![1])).toEqual([expiryEventUid("soon"), expiryEventUid("acc1"), expiryEventUid("later")]);
    expect(expiryEventUid("acc1")).toBe("refresh-token-expiry-acc1@channelkeys");

    const later = events[2]!;
    expect(later).toContain("SUMMARY:eBay token expires: Later\\, Ltd\\; \\\\ shop\r\n");
    expect(later).toContain(`DTSTART:${formatDateTime(new Date(now.getTime() + 400 * DAY_MS))}\r\n`);
    expect(later).toContain("SEQUENCE:9\r\n");
    expect(later).toContain("URL:http://localhost:3202/accounts/later\r\n");
    expect(later.match(/BEGIN:VALARM/g)).toHaveLength(3);
    expect(later).toContain("TRIGGER:-P30D\r\n");
    expect(later).toContain("TRIGGER:-P7D\r\n");

    // 20 days left: the 30-day reminder is already past; 3 days left: only the 1-day one remains.
    expect(events[1]!.match(/TRIGGER:[^\r]*/g)).toEqual(["TRIGGER:-P7D", "TRIGGER:-P1D"]);
    expect(events[0]!.match(/TRIGGER:[^\r]*/g)).toEqual(["TRIGGER:-P1D"]);
    expect(unfolded).toContain("X-WR-CALNAME:ChannelKeys · Sam's shops\\, EU\\; US · eBay token expiries\r\n");
    expect(unfolded).toContain(`DTSTAMP:20270520T120000Z\r\n`);
  });

  it("names the file after the workspace and the day", () => {
    expect(calendarFilename("Sam's shops, EU; US", now)).toBe("channelkeys-sam-s-shops-eu-us-token-expiries-2027-05-20.ics");
    expect(calendarFilename("ÄÖÜ", now)).toBe("channelkeys-workspace-token-expiries-2027-05-20.ics");
  });
});
