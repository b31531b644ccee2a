// @ts-check
// Preloaded (node --require) into the processes the bench measures (the `next start` web process and the worker
// processes) to count their database work without changing them: every statement ChannelKeys sends goes through
// node-postgres's Client#query (Prisma's adapter-pg, graphile-worker, the advisory locks, the LISTEN connection), so
// wrapping that one method counts them all. One call is one round trip to PostgreSQL. Plain CommonJS, not TypeScript:
// `next start` runs without a TypeScript loader.
//
// The counts go to BENCH_QUERY_COUNT_DIR/<pid>.json every second while they change, at once on SIGUSR2 (the bench
// signals before it reads, so a reading is never a second old), and at exit.
"use strict";

const { mkdirSync, renameSync, writeFileSync } = require("node:fs");
const path = require("node:path");

const directory = process.env.BENCH_QUERY_COUNT_DIR;
if (directory) {
  const pg = require("pg");
  /** @type {{ queries: number; rows: number; transactions: number; byKind: Record<string, number> }} */
  const counts = { queries: 0, rows: 0, transactions: 0, byKind: {} };
  let changed = true;

  /** First word of the statement, lower case ("select", "update", "with", "begin"...), to say where the work goes. */
  const kindOf = (/** @type {unknown} */ config) => {
    const text = typeof config === "string" ? config : config && typeof config === "object" && "text" in config ? String(config.text) : "";
    const match = /^\s*([a-z_]+)/i.exec(text);
    return match ? match[1].toLowerCase() : "other";
  };

  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function countedQuery(/** @type {any[]} */ ...args) {
    const kind = kindOf(args[0]);
    counts.queries += 1;
    counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
    if (kind === "commit") counts.transactions += 1;
    changed = true;
    const countRows = (/** @type {{ rows?: unknown[] } | undefined} */ answer) => {
      counts.rows += Array.isArray(answer?.rows) ? answer.rows.length : 0;
    };
    // Rows returned say how much a query read. pg-pool's Pool#query calls with a callback; Prisma's adapter and
    // graphile-worker mostly await the promise.
    const last = args.length - 1;
    if (last >= 0 && typeof args[last] === "function") {
      const callback = args[last];
      args[last] = function countedCallback(/** @type {unknown} */ error, /** @type {any} */ answer) {
        if (!error) countRows(answer);
        return callback.apply(this, arguments);
      };
    }
    const result = original.apply(this, args);
    if (result && typeof result.then === "function") result.then(countRows, () => {});
    return result;
  };

  const file = path.join(directory, `${process.pid}.json`);
  mkdirSync(directory, { recursive: true });
  const write = () => {
    changed = false;
    const temporary = `${file}.tmp`;
    writeFileSync(temporary, JSON.stringify({ pid: process.pid, at: Date.now(), ...counts }));
    renameSync(temporary, file);
  };
  write();
  setInterval(() => {
    if (changed) write();
  }, 1_000).unref();
  process.on("SIGUSR2", write);
  process.on("exit", write);
}
