// Open run pages, as far as the server can tell: a page either keeps the run's server-sent event stream open
// (GET /api/runs/<id>/events, what components/checks/check-run-progress.tsx does) or polls GET /api/runs/<id> every
// second (what a page without the stream would do). Each watcher has its own connection, like a separate browser tab.
import { Agent, request } from "node:http";

export type WatcherStats = { kind: "stream" | "poll"; updates: number; bytes: number; failures: number; lastDone: number | null };

export type RunWatcher = { stats(): WatcherStats; stop(): void };

/**
 * The run's "done" counter, read from the start of a view's JSON ({"run":{"id":…,"done":N,…,"items":[…]}}): parsing
 * whole views (megabytes for a 10,000-account run, several a second for 20 pages) would make this process, not the
 * server, the bottleneck of the measurement.
 */
function doneIn(head: string): number | null {
  const match = /"done":(\d+)/.exec(head);
  return match ? Number(match[1]) : null;
}

/** One page holding the event stream open; counts the events (each is a whole view of the run) and their bytes. */
export function streamRun(origin: string, cookie: string, runId: string): RunWatcher {
  const url = new URL(`/api/runs/${encodeURIComponent(runId)}/events`, origin);
  const stats: WatcherStats = { kind: "stream", updates: 0, bytes: 0, failures: 0, lastDone: null };
  // Only the start of the event being received is kept (enough for its "done"), and each chunk is searched once for
  // the blank line that ends an event (an event is one "data:" line of JSON, which never holds a blank line).
  let eventHead = "";
  let endedWithNewline = false;
  const keepHead = (text: string) => {
    if (eventHead.length < 2_000) eventHead += text.slice(0, 2_000 - eventHead.length);
  };
  const endEvent = () => {
    // Comments (": still here") carry no data.
    if (eventHead.startsWith("data: ")) {
      stats.updates += 1;
      stats.lastDone = doneIn(eventHead) ?? stats.lastDone;
    }
    eventHead = "";
  };
  const outgoing = request(
    { host: url.hostname, port: url.port, path: url.pathname, method: "GET", headers: { cookie, accept: "text/event-stream" } },
    (response) => {
      if (response.statusCode !== 200) {
        stats.failures += 1;
        response.resume();
        return;
      }
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        stats.bytes += Buffer.byteLength(chunk);
        let from = 0;
        // The blank line may straddle two chunks.
        if (endedWithNewline && chunk.startsWith("\n")) {
          endEvent();
          from = 1;
        }
        let end = chunk.indexOf("\n\n", from);
        while (end >= 0) {
          keepHead(chunk.slice(from, end));
          endEvent();
          from = end + 2;
          end = chunk.indexOf("\n\n", from);
        }
        keepHead(chunk.slice(from));
        endedWithNewline = chunk.endsWith("\n");
      });
      response.on("error", () => undefined);
    },
  );
  outgoing.on("error", () => {
    stats.failures += 1;
  });
  outgoing.end();
  return { stats: () => ({ ...stats }), stop: () => outgoing.destroy() };
}

/** One page polling the run's JSON every intervalMs (the next poll starts intervalMs after the previous answer). */
export function pollRun(origin: string, cookie: string, runId: string, intervalMs = 1_000): RunWatcher {
  const url = new URL(`/api/runs/${encodeURIComponent(runId)}`, origin);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const stats: WatcherStats = { kind: "poll", updates: 0, bytes: 0, failures: 0, lastDone: null };
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const poll = () => {
    const outgoing = request({ agent, host: url.hostname, port: url.port, path: url.pathname, method: "GET", headers: { cookie, accept: "application/json" } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const body = Buffer.concat(chunks);
        stats.bytes += body.length;
        if (response.statusCode === 200) {
          stats.updates += 1;
          stats.lastDone = doneIn(body.subarray(0, 2_000).toString("utf8")) ?? stats.lastDone;
        } else {
          stats.failures += 1;
        }
        if (!stopped) timer = setTimeout(poll, intervalMs);
      });
      response.on("error", () => undefined);
    });
    outgoing.on("error", () => {
      stats.failures += 1;
      if (!stopped) timer = setTimeout(poll, intervalMs);
    });
    outgoing.end();
  };
  poll();
  return {
    stats: () => ({ ...stats }),
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      agent.destroy();
    },
  };
}
