// Open run pages, as far as the server can tell: a page either keeps the run's server-sent event stream open
// (GET /api/runs/<id>/events, what components/checks/check-run-progress.tsx does) or polls GET /api/runs/<id> every
// second (what a page without the stream would do). Each watcher has its own connection, like a separate browser tab.
import { Agent, request } from "node:http";

export type WatcherStats = { kind: "stream" | "poll"; updates: number; bytes: number; failures: number; lastDone: number | null };

export type RunWatcher = { stats(): WatcherStats; stop(): void };

type RunMessage = { run?: { done?: number } };

/** One page holding the event stream open; counts the events (each is a whole view of the run) and their bytes. */
export function streamRun(origin: string, cookie: string, runId: string): RunWatcher {
  const url = new URL(`/api/runs/${encodeURIComponent(runId)}/events`, origin);
  const stats: WatcherStats = { kind: "stream", updates: 0, bytes: 0, failures: 0, lastDone: null };
  let buffered = "";
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
        buffered += chunk;
        // Events end with a blank line; comments (": still here") carry no data.
        let end = buffered.indexOf("\n\n");
        while (end >= 0) {
          const event = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = event
            .split("\n")
            .filter((line) => line.startsWith("data: "))
            .map((line) => line.slice(6))
            .join("\n");
          if (data) {
            stats.updates += 1;
            try {
              stats.lastDone = (JSON.parse(data) as RunMessage).run?.done ?? stats.lastDone;
            } catch {
              stats.failures += 1;
            }
          }
          end = buffered.indexOf("\n\n");
        }
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
          try {
            stats.lastDone = (JSON.parse(body.toString("utf8")) as RunMessage).run?.done ?? stats.lastDone;
          } catch {
            stats.failures += 1;
          }
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
