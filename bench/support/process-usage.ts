// Memory and CPU from /proc (Linux): of this process, or of a process and all its descendants (a Next server
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

/** /proc/<pid>/stat fields after the command name (which may contain spaces and parentheses): field 3 is index 0. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

function parentOf(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? Number(fields[1]) : null;
}

// USER_HZ is 100 on every Linux this runs on.
const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds a process has used so far (0 when it is gone). */
export function cpuSecondsOf(pid: number): number {
  const fields = statFields(pid);
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat.
  return fields ? (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND : 0;
}

/**
 * CPU seconds of a process and everything under it, including children that have already exited (their time is
 * in the parent's cutime/cstime once reaped): a PostgreSQL backend that ends between two readings still counts.
 */
export function treeCpuSecondsOf(rootPid: number): number {
  const root = statFields(rootPid);
  if (!root) return 0;
  // cutime and cstime are fields 16 and 17.
  const reaped = (Number(root[13]) + Number(root[14])) / CLOCK_TICKS_PER_SECOND;
  return reaped + processTree(rootPid).reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
}

/** The kernel's high-water mark of a process's RSS (VmHWM), in bytes; 0 when it is gone. */
export function peakRssOf(pid: number): number {
  return statusField(pid, "VmHWM");
}

/**
 * Proportional set size of a process tree (smaps_rollup): shared pages divided among the processes sharing them.
 * PostgreSQL's processes all map its shared buffers, so their summed RSS counts those pages once per process.
 */
export function pssOfTree(rootPid: number): number {
  return processTree(rootPid).reduce((sum, pid) => {
    try {
      const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
      return sum + (match ? Number(match[1]) * 1024 : 0);
    } catch {
      return sum;
    }
  }, 0);
}

/** Direct children from /proc/<pid>/task/<tid>/children (one small file per thread), or null where the kernel has none. */
function childrenOf(pid: number): number[] | null {
  try {
    const children: number[] = [];
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/)) {
        if (child) children.push(Number(child));
      }
    }
    return children;
  } catch {
    return null;
  }
}

/**
 * A process and all its descendants. Walks the children files when the kernel has them (the bench samples the
 * PostgreSQL tree several times a second and should not compete with what it measures), else every /proc entry.
 */
export function processTree(rootPid: number): number[] {
  if (childrenOf(rootPid) !== null) {
    const tree: number[] = [];
    const queue = [rootPid];
    while (queue.length > 0) {
      const pid = queue.shift()!;
      tree.push(pid);
      queue.push(...(childrenOf(pid) ?? []));
    }
    return tree;
  }
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

export type TreeMemoryPeak = { rssBytes: number; pssBytes: number; processes: number };

/**
 * Samples a process tree's summed RSS every intervalMs until stopped; keeps the highest sum seen, with the PSS and
 * the number of processes at that moment. read() gives the peak so far without stopping.
 */
export function sampleTreeRss(rootPid: number, intervalMs = 250): { read(): TreeMemoryPeak; stop(): TreeMemoryPeak } {
  const peak: TreeMemoryPeak = { rssBytes: 0, pssBytes: 0, processes: 0 };
  const sample = () => {
    const pids = processTree(rootPid);
    const rss = pids.reduce((sum, pid) => sum + statusField(pid, "VmRSS"), 0);
    if (rss > peak.rssBytes) {
      peak.rssBytes = rss;
      peak.pssBytes = pssOfTree(rootPid);
      peak.processes = pids.length;
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    read: () => ({ ...peak }),
    stop() {
      clearInterval(timer);
      sample();
      return { ...peak };
    },
  };
}

export const mebibytes = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** CPU seconds the whole machine spent busy and in total (all CPUs) since boot, from /proc/stat. */
export function hostCpuSeconds(): { busy: number; total: number } {
  try {
    const [cpuLine] = readFileSync("/proc/stat", "utf8").split("\n");
    const ticks = cpuLine!.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busy: (total - idle) / CLOCK_TICKS_PER_SECOND, total: total / CLOCK_TICKS_PER_SECOND };
  } catch {
    return { busy: 0, total: 0 };
  }
}
