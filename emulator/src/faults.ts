// Injected failures for the eBay surface (never for /__emulator/): error statuses with Retry-After, latency,
// hung requests, garbage bodies and dropped connections, each limited by rate and count.
import { newOpaqueId } from "./tokens";

export type FaultMode = "timeout" | "malformed" | "reset";

export interface Fault {
  id: string;
  pathPrefix: string;
  status?: number;
  retryAfterSeconds?: number;
  latencyMs?: number;
  /** Probability (0..1) that a matching request is affected. */
  rate: number;
  /** How many more requests it affects; undefined = until DELETE /__emulator/faults. */
  remaining?: number;
  mode?: FaultMode;
}

export class FaultInputError extends Error {}

function optionalNumber(input: Record<string, unknown>, name: string, check: (value: number) => boolean): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || !check(value)) throw new FaultInputError(`${name} is invalid`);
  return value;
}

export function parseFault(input: unknown): Fault {
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new FaultInputError("body must be a JSON object");
  const body = input as Record<string, unknown>;
  const pathPrefix = body.pathPrefix ?? "/";
  if (typeof pathPrefix !== "string" || !pathPrefix.startsWith("/")) throw new FaultInputError("pathPrefix must start with /");
  const mode = body.mode;
  if (mode !== undefined && mode !== "timeout" && mode !== "malformed" && mode !== "reset") {
    throw new FaultInputError('mode must be "timeout", "malformed" or "reset"');
  }
  const fault: Fault = {
    id: newOpaqueId(),
    pathPrefix,
    status: optionalNumber(body, "status", (value) => Number.isInteger(value) && value >= 100 && value <= 599),
    retryAfterSeconds: optionalNumber(body, "retryAfterSeconds", (value) => Number.isInteger(value) && value >= 0),
    latencyMs: optionalNumber(body, "latencyMs", (value) => value >= 0 && value <= 600_000),
    rate: optionalNumber(body, "rate", (value) => value >= 0 && value <= 1) ?? 1,
    remaining: optionalNumber(body, "count", (value) => Number.isInteger(value) && value >= 1),
    mode,
  };
  if (fault.status === undefined && fault.mode === undefined && fault.latencyMs === undefined) {
    throw new FaultInputError("a fault needs status, mode or latencyMs");
  }
  return fault;
}

export class FaultRegistry {
  private faults: Fault[] = [];

  add(fault: Fault): void {
    this.faults.push(fault);
  }

  clear(): void {
    this.faults = [];
  }

  list(): Fault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  /** The first fault that matches and fires for this request; consumes one of its count. */
  take(path: string, random: () => number = Math.random): Fault | undefined {
    for (const fault of this.faults) {
      if (!path.startsWith(fault.pathPrefix)) continue;
      if (fault.rate < 1 && random() >= fault.rate) continue;
      if (fault.remaining !== undefined) {
        fault.remaining -= 1;
        if (fault.remaining <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
      }
      return { ...fault };
    }
    return undefined;
  }
}
