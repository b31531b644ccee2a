// An RFC 5545 iCalendar writer for upcoming refresh-token expiries, so sellers can plan re-consent in the calendar
// they already use. Only what the export needs: VCALENDAR, VEVENT, VALARM; text escaping (3.3.11), line folding at
// 75 octets without splitting a UTF-8 character (3.1), CRLF line ends, UTC date-times.
import { DAY_MS } from "@/lib/timeline/buckets";

export const ICS_CONTENT_TYPE = "text/calendar; charset=utf-8";
const PRODUCT_ID = "-//ChannelKeys//eBay token expiries//EN";
const MAX_LINE_OCTETS = 75;

/** TEXT value escaping: backslash, semicolon, comma and newlines (RFC 5545 3.3.11). */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n");
}

/**
 * Folds one content line into lines of at most 75 octets each (the CRLF not counted), continuation lines starting
 * with one space (which counts toward their 75). Never splits a multi-byte UTF-8 character.
 */
export function foldLine(line: string): string {
  const encoder = new TextEncoder();
  if (encoder.encode(line).length <= MAX_LINE_OCTETS) return line;
  const parts: string[] = [];
  let current = "";
  let currentOctets = 0;
  let limit = MAX_LINE_OCTETS;
  for (const character of line) {
    const octets = encoder.encode(character).length;
    if (currentOctets + octets > limit) {
      parts.push(current);
      current = "";
      currentOctets = 0;
      limit = MAX_LINE_OCTETS - 1; // the leading space of a continuation line
    }
    current += character;
    currentOctets += octets;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

/** 20270301T140500Z */
export function formatDateTime(value: Date): string {
  return value.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** Alarm offset before the event: -P30D, -PT2H. */
function formatTriggerBefore(ms: number): string {
  if (ms % DAY_MS === 0) return `-P${ms / DAY_MS}D`;
  const minutes = Math.round(ms / 60_000);
  return minutes % 60 === 0 ? `-PT${minutes / 60}H` : `-PT${minutes}M`;
}

export type CalendarAlarm = { beforeMs: number; description: string };

export type CalendarEvent = {
  /** Globally unique and stable for the same thing across exports, so re-importing updates instead of duplicating. */
  uid: string;
  /** Bump when the event changes (a re-created token moves its expiry): calendar apps take the higher one. */
  sequence: number;
  start: Date;
  end: Date;
  summary: string;
  description: string;
  url?: string;
  categories?: string[];
  alarms: CalendarAlarm[];
};

export type Calendar = {
  name: string;
  description?: string;
  /** DTSTAMP of every event: when this export was made. */
  createdAt: Date;
  events: CalendarEvent[];
};

function property(name: string, value: string): string {
  return foldLine(`${name}:${value}`);
}

function eventLines(event: CalendarEvent, stamp: string): string[] {
  const lines = [
    "BEGIN:VEVENT",
    property("UID", escapeText(event.uid)),
    property("DTSTAMP", stamp),
    property("DTSTART", formatDateTime(event.start)),
    property("DTEND", formatDateTime(event.end)),
    property("SEQUENCE", String(Math.max(0, Math.floor(event.sequence)))),
    property("SUMMARY", escapeText(event.summary)),
    property("DESCRIPTION", escapeText(event.description)),
  ];
  if (event.url) lines.push(property("URL", event.url));
  if (event.categories?.length) lines.push(property("CATEGORIES", event.categories.map(escapeText).join(",")));
  lines.push("TRANSP:TRANSPARENT");
  for (const alarm of event.alarms) {
    lines.push(
      "BEGIN:VALARM",
      "ACTION:DISPLAY",
      property("TRIGGER", formatTriggerBefore(alarm.beforeMs)),
      property("DESCRIPTION", escapeText(alarm.description)),
      "END:VALARM",
    );
  }
  lines.push("END:VEVENT");
  return lines;
}

/** The whole file: CRLF after every line, including the last (RFC 5545 3.1). */
export function writeCalendar(calendar: Calendar): string {
  const stamp = formatDateTime(calendar.createdAt);
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    property("PRODID", PRODUCT_ID),
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    property("X-WR-CALNAME", escapeText(calendar.name)),
    ...(calendar.description ? [property("X-WR-CALDESC", escapeText(calendar.description))] : []),
    ...calendar.events.flatMap((event) => eventLines(event, stamp)),
    "END:VCALENDAR",
  ];
  return lines.join("\r\n") + "\r\n";
}
