// Test-only: one scheduler "process" for the no-double-run test. Reads one JSON line per tick from stdin
// ({"wallNow": "<ISO>"}), runs one upkeep tick against DATABASE_URL as SCHEDULER_OWNER, answers with the
// sweeps it ran ({"ran": [...]}) on stdout. Run with node's react-server condition (see the test).
import readline from "node:readline";
import { createDbClient, databaseUrlFromEnv } from "@/lib/db";
import { runUpkeepOnce } from "@/lib/upkeep/scheduler";
import { upkeepConfigFromEnv } from "@/lib/upkeep/upkeep-config";

const db = createDbClient(databaseUrlFromEnv());
const owner = process.env.SCHEDULER_OWNER ?? `child-${process.pid}`;
const config = upkeepConfigFromEnv();
const judgeAt = new Date(process.env.JUDGE_AT ?? Date.now());

const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on("line", (line) => {
  queue = queue.then(async () => {
    const { wallNow } = JSON.parse(line) as { wallNow: string };
    try {
      const report = await runUpkeepOnce(db, { owner, config, wallNow: new Date(wallNow), now: judgeAt });
      process.stdout.write(`${JSON.stringify({ ran: report.ran })}\n`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`);
    }
  });
});
lines.on("close", () => {
  void queue.then(() => db.$disconnect());
});
