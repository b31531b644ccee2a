// Bench tasks run as child processes (they need the react-server condition); each hands its figures back as
// one JSON file named by BENCH_TASK_OUTPUT, read by bench/run.ts after the task exits.
import { readFileSync, writeFileSync } from "node:fs";

export const TASK_OUTPUT_ENV = "BENCH_TASK_OUTPUT";

export function writeTaskOutput(value: unknown): void {
  const file = process.env[TASK_OUTPUT_ENV];
  if (!file) throw new Error(`${TASK_OUTPUT_ENV} is not set: run this task through bench/run.ts`);
  writeFileSync(file, JSON.stringify(value, null, 2));
}

export function readTaskOutput<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

/** Task inputs come from the environment; a missing one is a bench bug, said plainly. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} is not set`);
  return value;
}

/** Runs a task's main, writes a one-line error and exits non-zero on failure (the bench shows the log tail). */
export function runTask(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    },
  );
}
