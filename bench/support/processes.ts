// Child processes of a bench run: each in its own process group so stopping it also stops anything it spawned,
// all tracked so that a failure, a deadline or Ctrl-C still leaves no process behind.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

const running = new Set<ChildProcess>();

export type StartedProcess = { name: string; child: ChildProcess; pid: number; logFile: string; stop(): Promise<void> };

export type StartOptions = {
  env: NodeJS.ProcessEnv;
  logDir: string;
  /** Resolves start() once a line of output matches. */
  readyPattern?: RegExp;
  /** Resolves start() once this URL answers (any HTTP status). */
  readyUrl?: string;
  readyTimeoutMs: number;
};

function trackedSpawn(command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  mkdirSync(path.dirname(logFile), { recursive: true });
  const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  running.add(child);
  child.once("exit", () => {
    running.delete(child);
    log.end();
  });
  return child;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM to the whole group, SIGKILL after a grace period. */
function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  return new Promise((resolve) => {
    if (hasExited(child) || child.pid === undefined) {
      resolve();
      return;
    }
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // The group is already gone.
      }
    };
    const force = setTimeout(() => signalGroup("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(force);
      // Anything the child left behind in its group goes too.
      signalGroup("SIGKILL");
      resolve();
    });
    signalGroup("SIGTERM");
  });
}

export function tailOf(logFile: string, characters = 1_500): string {
  try {
    return readFileSync(logFile, "utf8").slice(-characters);
  } catch {
    return "";
  }
}

/** Starts a long-running process (emulator, Next server) and waits until it is ready. */
export async function startProcess(name: string, command: string, args: string[], options: StartOptions): Promise<StartedProcess> {
  const logFile = path.join(options.logDir, `${name}.log`);
  const child = trackedSpawn(command, args, options.env, logFile);
  const started: StartedProcess = { name, child, pid: child.pid!, logFile, stop: () => stopChild(child) };
  try {
    await new Promise<void>((resolve, reject) => {
      let output = "";
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(poller);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => finish(new Error(`${name} was not ready within ${options.readyTimeoutMs / 1000}s: ${tailOf(logFile)}`)), options.readyTimeoutMs);
      const onOutput = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-10_000);
        if (options.readyPattern?.test(output)) finish();
      };
      child.stdout?.on("data", onOutput);
      child.stderr?.on("data", onOutput);
      child.once("exit", (code, signal) => finish(new Error(`${name} exited before it was ready (${code ?? signal}): ${tailOf(logFile)}`)));
      const poller = setInterval(() => {
        if (!options.readyUrl) return;
        fetch(options.readyUrl, { redirect: "manual", signal: AbortSignal.timeout(2_000) }).then(
          () => finish(),
          () => undefined,
        );
      }, 250);
    });
  } catch (error) {
    await started.stop();
    throw error;
  }
  return started;
}

/** Runs a command to completion; rejects on a non-zero exit or when it outlives timeoutMs (it is then killed). */
export async function runToCompletion(
  name: string,
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; logDir: string; timeoutMs: number },
): Promise<{ pid: number; logFile: string }> {
  const logFile = path.join(options.logDir, `${name}.log`);
  const child = trackedSpawn(command, args, options.env, logFile);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stopChild(child, 1_000);
      reject(new Error(`${name} did not finish within ${options.timeoutMs / 1000}s (see ${path.relative(REPO_ROOT, logFile)})`));
    }, options.timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${name} failed (${code ?? signal}): ${tailOf(logFile)}`));
    });
  });
  return { pid: child.pid!, logFile };
}

/** A bench task (bench/tasks/*.ts) in its own Node process with the react-server condition lib/ needs. */
export function nodeTaskArgs(taskFile: string, nodeFlags: string[] = []): string[] {
  return [...nodeFlags, "--conditions=react-server", "--import", "tsx", path.join(REPO_ROOT, taskFile)];
}

export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child, 3_000)));
}

/** Last-resort cleanup when the bench process itself is told to stop. */
export function stopAllProcessesOnSignals(): void {
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\nbench: ${signal} received, stopping child processes`);
    void stopAllProcesses().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  process.once("exit", () => {
    for (const child of running) {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // gone
      }
    }
  });
}
