// Every kind of job ChannelKeys puts on the queue. The handlers live with their domain (lib/checks, lib/upkeep,
// lib/warnings, lib/webhooks); lib/jobs/task-list.ts maps these names to them.
export const TASK_NAMES = [
  "check-run-item",
  "read-ebay-quota",
  "upkeep-checks",
  "upkeep-warnings",
  "evaluate-warnings",
  "deliver-warning",
  "ebay-notification",
  "deliver-webhook",
] as const;

export type TaskName = (typeof TASK_NAMES)[number];

/** Jobs that call eBay carry this flag, so a rate-limit or quota pause holds them all (lib/jobs/ebay-pause.ts). */
export const EBAY_FLAG = "ebay";
