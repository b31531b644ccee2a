import os from "node:os";

// argon2id costs about 19 MiB and tens of milliseconds of CPU per hash or verify, on purpose. Anything an anonymous
// client can trigger (sign-in, sign-up, password reset) is throttled per address before it gets here; this bounds
// what many addresses at once can make one process do: at most `running` computations at a time and `waiting`
// more in line, and beyond that a refusal before any hashing ("busy, try again"), instead of an ever longer queue
// that would hold memory and slow every sign-in on the machine.
export const PASSWORD_WORK_LIMITS = {
  running: Math.max(1, os.availableParallelism()),
  waiting: 16,
} as const;

export class PasswordWorkBusy extends Error {
  override name = "PasswordWorkBusy";
  constructor() {
    super("Too many sign-ins are being checked right now. Try again in a moment.");
  }
}

let running = 0;
const waiting: Array<() => void> = [];

/** Runs one password hash or verification within the process-wide bound, or throws PasswordWorkBusy at once. */
export async function withPasswordWork<T>(work: () => Promise<T>): Promise<T> {
  if (running >= PASSWORD_WORK_LIMITS.running) {
    if (waiting.length >= PASSWORD_WORK_LIMITS.waiting) throw new PasswordWorkBusy();
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running += 1;
  }
  try {
    return await work();
  } finally {
    // Hand the slot straight to the next in line (running stays the same), or free it.
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  }
}
