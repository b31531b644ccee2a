// Bench process: the bench's own embedded PostgreSQL, started the way every ChannelKeys process starts it
// (scripts/db/embedded-postgres.ts startOrAttachEmbedded), in a data folder and on a port of its own, as a temporary
// cluster: stopping this process (SIGTERM from bench/run.ts) stops the server and deletes its folder. It runs in a
// process of its own so that bench/run.ts stops it like any other child, even when run.ts itself is failing.
// Prints "bench database ready <url> postmaster <pid>" once it answers.
// Inputs (env): BENCH_DATABASE_DIR, BENCH_POSTGRES_PORT, BENCH_DATABASE_KEEP (1: keep the cluster folder when stopped).
import { readFileSync } from "node:fs";
import path from "node:path";
import { startOrAttachEmbedded } from "@/scripts/db/embedded-postgres";
import { requiredEnv } from "@/bench/support/task-io";

async function main(): Promise<void> {
  const dataDir = requiredEnv("BENCH_DATABASE_DIR");
  const port = Number(requiredEnv("BENCH_POSTGRES_PORT"));
  const temporary = process.env.BENCH_DATABASE_KEEP !== "1";
  const database = await startOrAttachEmbedded({ dataDir, port, temporary, log: (line) => console.log(line) });
  if (database.source !== "embedded-started") {
    // Something already answers on that port (a bench that was killed, or another cluster): measuring on it would
    // mix someone else's data and load into the figures.
    throw new Error(`a PostgreSQL server already answers on port ${port}; stop it or set BENCH_POSTGRES_PORT`);
  }
  // The postmaster's pid is the first line of postmaster.pid; the bench sums the memory of it and its children.
  const postmasterPid = Number(readFileSync(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
  console.log(`bench database ready ${database.url} postmaster ${postmasterPid}`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    database.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`stopping the bench database failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
