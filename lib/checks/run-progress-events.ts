import "server-only";
import pg from "pg";
import { db, databaseUrlFromEnv } from "@/lib/db";
import { loadCheckRunView, type CheckRunView } from "@/lib/checks/check-runs";
import { isActiveRunStatus } from "@/lib/checks/cause-labels";
import { CHECK_RUN_PROGRESS_CHANNEL } from "@/lib/checks/run-progress-channel";
import { logUnexpectedError } from "@/lib/actions/log-unexpected-error";

// Live run progress for the run page, without every open page polling the database. Workers NOTIFY when an item of
// a run ends (lib/checks/check-run-item-task.ts); each web process LISTENs on one connection and, at most every
// PROGRESS_EVERY_MS per run, loads the run's view once and hands it to every page watching that run (a server-sent
// event stream, app/api/runs/[runId]/events). So N people watching a run cost one query set per interval, not N.

const PROGRESS_EVERY_MS = Number(process.env.CHECK_RUN_PROGRESS_EVERY_MS ?? 250);

type Watcher = (view: CheckRunView) => void;
type WatchedRun = { workspaceId: string; watchers: Set<Watcher>; timer: NodeJS.Timeout | null; lastSentAt: number };

const globalForProgress = globalThis as typeof globalThis & { __channelkeysRunProgress?: RunProgressHub };

class RunProgressHub {
  private readonly runs = new Map<string, WatchedRun>();
  private listener: pg.Client | null = null;
  private connecting: Promise<void> | null = null;

  /** Calls `watcher` with the run's view after every change (throttled) until the returned function is called. */
  async watch(runId: string, workspaceId: string, watcher: Watcher): Promise<() => void> {
    await this.listen();
    let run = this.runs.get(runId);
    if (!run) {
      run = { workspaceId, watchers: new Set(), timer: null, lastSentAt: 0 };
      this.runs.set(runId, run);
    }
    run.watchers.add(watcher);
    return () => {
      const current = this.runs.get(runId);
      if (!current) return;
      current.watchers.delete(watcher);
      if (current.watchers.size === 0) {
        if (current.timer) clearTimeout(current.timer);
        this.runs.delete(runId);
      }
    };
  }

  private listen(): Promise<void> {
    if (this.listener) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: databaseUrlFromEnv(), application_name: "channelkeys-run-progress" });
      client.on("notification", (message) => {
        if (message.channel === CHECK_RUN_PROGRESS_CHANNEL && message.payload) this.changed(message.payload);
      });
      client.on("error", () => {
        // Lost: the next watcher connects again; pages meanwhile fall back to polling.
        this.listener = null;
        void client.end().catch(() => {});
      });
      await client.connect();
      await client.query(`LISTEN ${CHECK_RUN_PROGRESS_CHANNEL}`);
      this.listener = client;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private changed(runId: string): void {
    const run = this.runs.get(runId);
    if (!run || run.timer) return;
    const wait = Math.max(0, run.lastSentAt + PROGRESS_EVERY_MS - Date.now());
    run.timer = setTimeout(() => {
      run.timer = null;
      run.lastSentAt = Date.now();
      loadCheckRunView(db, run.workspaceId, runId)
        .then((view) => {
          if (!view) return;
          for (const watcher of run.watchers) watcher(view);
        })
        .catch((error: unknown) => logUnexpectedError("run progress", error));
    }, wait);
  }
}

export function runProgressHub(): RunProgressHub {
  globalForProgress.__channelkeysRunProgress ??= new RunProgressHub();
  return globalForProgress.__channelkeysRunProgress;
}

/** An event stream of the run's view: the current one at once, then each change, closed when the run has ended. */
export function runProgressStream(initial: CheckRunView, workspaceId: string, signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let stop: (() => void) | null = null;
  let heartbeat: NodeJS.Timeout | null = null;
  const close = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    stop?.();
    stop = null;
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = null;
    try {
      controller.close();
    } catch {
      // Already closed by the client going away.
    }
  };
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (view: CheckRunView) => {
        controller.enqueue(encoder.encode(`data: ${JSON.stringify({ run: view })}\n\n`));
        if (!isActiveRunStatus(view.status)) close(controller);
      };
      signal.addEventListener("abort", () => close(controller));
      send(initial);
      if (!isActiveRunStatus(initial.status)) return;
      stop = await runProgressHub().watch(initial.id, workspaceId, send);
      // A comment line now and then keeps proxies from closing an idle stream (a run paused for eBay's quota).
      heartbeat = setInterval(() => controller.enqueue(encoder.encode(": still here\n\n")), 15_000);
    },
    cancel() {
      stop?.();
      if (heartbeat) clearInterval(heartbeat);
    },
  });
}
