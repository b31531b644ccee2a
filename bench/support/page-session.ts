// A signed-in "browser" for server response times: signs in through next-auth's credentials flow (csrf token,
// then the callback, keeping cookies), then times GETs of pages over one keep-alive connection, from sending
// the request to the last byte of the streamed HTML (what a user waits for before the page is complete).
import { writeFileSync } from "node:fs";
import { Agent, request } from "node:http";

export type TimedResponse = { status: number; ms: number; bytes: number; body: string; headers: Record<string, string | string[] | undefined> };

export class PageSession {
  private readonly cookies = new Map<string, string>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });

  constructor(readonly origin: string) {}

  /** The session's cookies as a Cookie header, for other connections of the same signed-in "browser". */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  private keepCookies(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const [pair] = line.split(";");
      const separator = pair!.indexOf("=");
      if (separator > 0) this.cookies.set(pair!.slice(0, separator).trim(), pair!.slice(separator + 1).trim());
    }
  }

  send(method: "GET" | "POST", path: string, body?: { form: Record<string, string> }, timeoutMs = 60_000): Promise<TimedResponse> {
    const url = new URL(path, this.origin);
    const payload = body ? new URLSearchParams(body.form).toString() : undefined;
    const headers: Record<string, string | number> = { cookie: this.cookieHeader(), accept: "text/html,application/json" };
    if (payload !== undefined) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      headers["content-length"] = Buffer.byteLength(payload);
    }
    return new Promise((resolve, reject) => {
      const startedAt = performance.now();
      const outgoing = request({ agent: this.agent, host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const ms = performance.now() - startedAt;
          this.keepCookies(response.headers["set-cookie"]);
          const buffer = Buffer.concat(chunks);
          resolve({ status: response.statusCode ?? 0, ms, bytes: buffer.length, body: buffer.toString("utf8"), headers: response.headers });
        });
      });
      outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`${method} ${path} timed out after ${timeoutMs / 1000}s`)));
      outgoing.on("error", reject);
      outgoing.end(payload);
    });
  }

  async signIn(email: string, password: string): Promise<void> {
    const csrf = await this.send("GET", "/api/auth/csrf");
    if (csrf.status !== 200) throw new Error(`GET /api/auth/csrf answered ${csrf.status}`);
    const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
    const callback = await this.send("POST", "/api/auth/callback/credentials", {
      form: { csrfToken, email, password, callbackUrl: `${this.origin}/accounts`, json: "true" },
    });
    const signedIn = [...this.cookies.keys()].some((name) => name.endsWith("next-auth.session-token"));
    if (!signedIn) throw new Error(`sign-in failed (HTTP ${callback.status}): ${callback.body.slice(0, 200)}`);
  }

  close(): void {
    this.agent.destroy();
  }
}

export type PageTiming = { path: string; samples: number[]; bytes: number };

/**
 * Warm-up requests, then `samples` sequential timed GETs. Every response must be a 200 that contains `marker`
 * (so a redirect to sign-in or an error page is never timed as a fast page).
 */
export async function timePage(
  session: PageSession,
  path: string,
  options: { warmup: number; samples: number; marker: string; /** Where an unexpected answer is saved for a look. */ dumpFile?: string },
): Promise<PageTiming> {
  const check = (response: TimedResponse) => {
    const problem =
      response.status !== 200
        ? `answered ${response.status}${response.headers.location ? ` -> ${String(response.headers.location)}` : ""}`
        : !response.body.includes(options.marker)
          ? `did not contain "${options.marker}"`
          : null;
    if (!problem) return;
    if (options.dumpFile) writeFileSync(options.dumpFile, response.body);
    throw new Error(`GET ${path} ${problem}${options.dumpFile ? ` (body saved to ${options.dumpFile})` : ""}`);
  };
  for (let index = 0; index < options.warmup; index++) check(await session.send("GET", path));
  const samples: number[] = [];
  let bytes = 0;
  for (let index = 0; index < options.samples; index++) {
    const response = await session.send("GET", path);
    check(response);
    samples.push(response.ms);
    bytes = response.bytes;
  }
  return { path, samples, bytes };
}
