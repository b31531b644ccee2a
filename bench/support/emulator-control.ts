// The emulator's /__emulator/ control API (emulator/README.md), as the bench drives it over HTTP.

export type EmulatorCalls = {
  total: number;
  byPath: Record<string, number>;
  byTradingCall: Record<string, number>;
  byGrantType: Record<string, number>;
  refreshesByUsername: Record<string, number>;
};

export type FaultSpec = { pathPrefix?: string; status?: number; latencyMs?: number; rate?: number; count?: number };

export class EmulatorControl {
  constructor(readonly origin: string) {}

  private async call<T>(method: string, route: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.origin}/__emulator/${route}`, {
      method,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`emulator ${method} ${route}: HTTP ${response.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as T;
  }

  createSeller(username: string, marketplaceId: string, accountType: "BUSINESS" | "INDIVIDUAL"): Promise<unknown> {
    return this.call("POST", "users", { username, password: "password", marketplaceId, accountType });
  }

  /** The authorization code the browser flow would bring back for this seller and state. */
  async consentCode(username: string, state: string): Promise<string> {
    const { location } = await this.call<{ location: string }>("POST", "consent", { username, state });
    const code = new URL(location).searchParams.get("code");
    if (!code) throw new Error("the emulator's consent redirect carries no code");
    return code;
  }

  revoke(username: string, reason: "REVOKED_BY_USER" | "REVOKED_BY_EBAY" | "REVOKED_BY_APP" | "PASSWORD_CHANGE"): Promise<unknown> {
    return this.call("POST", `users/${encodeURIComponent(username)}/revoke`, { reason });
  }

  addFault(spec: FaultSpec): Promise<unknown> {
    return this.call("POST", "faults", spec);
  }

  clearFaults(): Promise<unknown> {
    return this.call("DELETE", "faults");
  }

  calls(): Promise<EmulatorCalls> {
    return this.call("GET", "calls");
  }

  advanceClock(seconds: number): Promise<{ now: string; offsetSeconds: number }> {
    return this.call("POST", "clock", { advanceSeconds: seconds });
  }
}

/** Calls made between two readings, per counter. */
export function callsBetween(before: EmulatorCalls, after: EmulatorCalls) {
  const diff = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(
      Object.keys(b)
        .map((key) => [key, (b[key] ?? 0) - (a[key] ?? 0)] as const)
        .filter(([, count]) => count !== 0),
    );
  return {
    total: after.total - before.total,
    byPath: diff(before.byPath, after.byPath),
    byTradingCall: diff(before.byTradingCall, after.byTradingCall),
    byGrantType: diff(before.byGrantType, after.byGrantType),
    refreshesByUsername: diff(before.refreshesByUsername, after.refreshesByUsername),
  };
}
