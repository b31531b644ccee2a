import "server-only";
import pg from "pg";
import { db, databaseUrlFromEnv } from "@/lib/db";
import { loadCheckRunView, type CheckRunView } from "@/lib/checks/check-runs";
import { isActiveRunStatus } from "@/lib/checks/cause-labels";
import { CHECK_RUN_PROGRESS_CHANNEL } from "@/lib/checks/run-progress-channel";
import { logUnexpectedError } from "@/lib/actions/log-unexpected-error";

// Live run progress for the run page, without every open page polling the database. Workers NOTIFY when an item of
// a run ends (lib/checks/check-run-item-task.ts); each web process LISTENs on one connection and, at most once per
// interval per run, loads the run's view once, encodes it once, and hands the same bytes to every page watching that
// run (a server-sent event stream, app/api/runs/[runId]/events). So N people watching a run cost one view load and
// one encoding per interval, not N.
//
// A view holds every item of the run, so its cost grows with the run: the interval does too (PROGRESS_MS_PER_ITEM),
// keeping the rows read per second bounded. The 10x bench measured a 10,000-account run: at 250 ms the stream read
// 37,000 rows/s for one page, four times what that page polling once a second read, and 20 pages got their
// multi-megabyte view encoded 20 times over.

const PROGRESS_EVERY_MS = Number(process.env.CHECK_RUN_PROGRESS_EVERY_MS ?? 250);
/** 0.1 ms per item: 250 ms up to 2,500 items, one view a second for 10,000. */
const PROGRESS_MS_PER_ITEM = 0.1;

/** How often a run's view is loaded while it changes: every PROGRESS_EVERY_MS, or less often for large runs. */
export function progressIntervalMs(items: number): number {
  return Math.max(PROGRESS_EVERY_MS, Math.round(items * PROGRESS_MS_PER_ITEM));
}

/** One view as a server-sent event, encoded once for every page that gets it. */
export type RunProgressEvent = { view: CheckRunView; bytes: Uint8Array };

const encoder = new TextEncoder();

export function encodeRunProgressEvent(view: CheckRunView): RunProgressEvent {
  return { view, bytes: encoder.encode(`data: ${JSON.stringify({ run: view })}\n\n`) };
}

type Watcher = (event: RunProgressEvent) => void;
type WatchedRun = { workspaceId: string; items: number; watchers: Set<Watcher>; timer: NodeJS.Timeout | null; lastSentAt: number };

const globalForProgress = globalThis as typeof globalThis & { __channelkeysRunProgress?: RunProgressHub };

class RunProgressHub {
  private readonly runs = new Map<string, WatchedRun>();
  private listener: pg.Client | null = null;
  private connecting: Promise<void> | null = null;

  /** Calls `watcher` with the run's view after every change (throttled) until the returned function is called. */
  async watch(runId: string, workspaceId: string, items: number, watcher: Watcher): Promise<() => void> {
    await this.listen();
    let run = this.runs.get(runId);
    if (!run) {
      run = { workspaceId, items, watchers: new Set(), timer: null, lastSentAt: 0 };
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
    const wait = Math.max(0, run.lastSentAt + progressIntervalMs(run.items) - Date.now());
    run.timer = setTimeout(() => {
      run.timer = null;
      run.lastSentAt = Date.now();
      loadCheckRunView(db, run.workspaceId, runId)
        .then((view) => {
          if (!view) return;
          run.items = view.items.length;
          const event = encodeRunProgressEvent(view);
          for (const watcher of run.watchers) watcher(event);
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
      const send = (event: RunProgressEvent) => {
        controller.enqueue(event.bytes);
        if (!isActiveRunStatus(event.view.status)) close(controller);
      };
      signal.addEventListener("abort", () => close(controller));
      send(encodeRunProgressEvent(initial));
      if (!isActiveRunStatus(initial.status)) return;
      stop = await runProgressHub().watch(initial.id, workspaceId, initial.items.length, send);
      // A comment line now and then keeps proxies from closing an idle stream (a run paused for eBay's quota).
      heartbeat = setInterval(() => controller.enqueue(encoder.encode(": still here\n\n")), 15_000);
    },
    cancel() {
      stop?.();
      if (heartbeat) clearInterval(heartbeat);
    },
  });
}
