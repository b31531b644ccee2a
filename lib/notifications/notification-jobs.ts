// The queue job that works one notification eBay pushed (lib/notifications/receive.ts queues it, once per id).
import type { JobSpec } from "@/lib/jobs/add-job";

export type NotificationJobPayload =
  | { topic: "MARKETPLACE_ACCOUNT_DELETION"; notificationId: string; userId?: string; eiasToken?: string }
  | {
      topic: "AUTHORIZATION_REVOCATION";
      notificationId: string;
      userId: string;
      eiasToken?: string;
      revokeReason: "REVOKED_BY_USER" | "REVOKED_BY_EBAY" | "REVOKED_BY_APP" | "PASSWORD_CHANGE";
      revokedAt?: string;
    }
  | { topic: "TokenRevocation"; notificationId: string; eiasToken: string; tokenStatus: string; expiresAt?: string; revokedAt?: string };

export function ebayNotificationJob(payload: NotificationJobPayload): JobSpec {
  return {
    task: "ebay-notification",
    payload,
    jobKey: `ebay-notification:${payload.notificationId}`,
    jobKeyMode: "unsafe_dedupe",
    // It only touches our database: a failure is a database hiccup, worth a few tries.
    maxAttempts: 10,
  };
}
