// The queue's cron (graphile-worker crontab) for background upkeep: each sweep once a minute across every process
// that runs jobs (the queue records each minute it scheduled, so N processes schedule it once). A sweep's jobs share
// a queue of their own, so a slow sweep is never overlapped by the next minute's.
import { upkeepConfigFromEnv } from "@/lib/upkeep/upkeep-config";

export function upkeepCrontab(env: Record<string, string | undefined> = process.env): string {
  const { sweeps } = upkeepConfigFromEnv(env);
  const lines: string[] = [];
  if (sweeps.has("checks")) lines.push("* * * * * upkeep-checks ?queue=upkeep-checks&jobKey=upkeep-checks&jobKeyMode=preserve_run_at&max=1");
  if (sweeps.has("warnings")) lines.push("* * * * * upkeep-warnings ?queue=upkeep-warnings&jobKey=upkeep-warnings&jobKeyMode=preserve_run_at&max=1");
  return lines.join("\n");
}
