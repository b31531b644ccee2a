// Resident memory from /proc (Linux): of this process, or of a process and all its descendants (a Next server
// may fork workers). VmHWM is the kernel's own high-water mark; sampling VmRSS catches a tree's peak.
import { readFileSync, readdirSync } from "node:fs";

function statusField(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export function peakRssOfSelf(): number {
  return statusField(process.pid, "VmHWM");
}

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may contain spaces and parentheses: the fields after the last ")" are fixed.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[1]);
  } catch {
    return null;
  }
}

export function processTree(rootPid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const parent = parentOf(pid);
    if (parent === null) continue;
    parents.set(parent, [...(parents.get(parent) ?? []), pid]);
  }
  const tree: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(parents.get(pid) ?? []));
  }
  return tree;
}

export function rssOfTree(rootPid: number): number {
  return processTree(rootPid).reduce((sum, pid) => sum + statusField(pid, "VmRSS"), 0);
}

/** Samples a process tree's RSS every intervalMs until stopped; returns the highest sum seen. */
export function sampleTreeRss(rootPid: number, intervalMs = 200): { stop(): number } {
  let peak = rssOfTree(rootPid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssOfTree(rootPid));
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, rssOfTree(rootPid));
      return peak;
    },
  };
}

export const mebibytes = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
