// What each kind of job does (lib/jobs/task-names.ts), bound to the database client of the process that runs them.
import type { TaskList } from "graphile-worker";
import type { Db } from "@/lib/db";
import type { TaskName } from "@/lib/jobs/task-names";
import { runCheckRunItemJob } from "@/lib/checks/check-run-item-task";
import { runReadEbayQuotaJob } from "@/lib/checks/quota-guard";
import { runUpkeepChecksJob, runUpkeepWarningsJob } from "@/lib/upkeep/upkeep-tasks";
import { runDeliverWarningJob, runEvaluateWarningsJob } from "@/lib/warnings/warning-tasks";
import { runEbayNotificationJob } from "@/lib/notifications/notification-task";
import { runDeliverWebhookJob } from "@/lib/webhooks/deliveries";

export function createTaskList(db: Db): TaskList & Record<TaskName, TaskList[string]> {
  return {
    "check-run-item": (payload) => runCheckRunItemJob(db, payload),
    "read-ebay-quota": () => runReadEbayQuotaJob(db),
    "upkeep-checks": () => runUpkeepChecksJob(db),
    "upkeep-warnings": () => runUpkeepWarningsJob(db),
    "evaluate-warnings": (payload) => runEvaluateWarningsJob(db, payload),
    "deliver-warning": (payload, helpers) => runDeliverWarningJob(db, payload, helpers),
    "ebay-notification": (payload) => runEbayNotificationJob(db, payload),
    "deliver-webhook": (payload, helpers) => runDeliverWebhookJob(db, payload, helpers),
  };
}
