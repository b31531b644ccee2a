// Throughput of the eBay emulator on loopback: token refreshes and Identity getUser calls per second, with
// keep-alive connections and fixed concurrency. The emulator runs as its own process (as in demos and e2e runs), so
// the client's CPU is not counted against it. Target: >= 2,000 requests/s each, so the emulator is never the
// bottleneck of a product benchmark. Run alone with `npx tsx bench/emulator-throughput.ts`.
import { spawn, type ChildProcess } from "node:child_process";
import { Agent, request } from "node:http";
import path from "node:path";

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
}

const DEMO_CLIENT_ID = "ChannelK-ChannelK-EMU-5e0f1a2b3-4c5d6e7f";
const DEMO_CLIENT_SECRET = "EMU-5e0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
const DEMO_RU_NAME = "ChannelKeys-ChannelK-EMU-abcdefgh";
const SCOPES = [
  "https://api.ebay.com/oauth/api_scope",
  "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly",
  "https://api.ebay.com/oauth/api_scope/sell.account.readonly",
  "https://api.ebay.com/oauth/api_scope/sell.fulfillment.readonly",
  "https://api.ebay.com/oauth/api_scope/sell.inventory.readonly",
].join(" ");

const CONCURRENCY = 32;
const WARMUP_MS = 500;
const MEASURE_MS = 3_000;
const STARTUP_TIMEOUT_MS = 20_000;

interface Answer {
  status: number;
  body: string;
}

function send(agent: Agent, origin: URL, method: string, pathName: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { agent, host: origin.hostname, port: origin.port, method, path: pathName, headers: body === undefined ? headers : { ...headers, "content-length": Buffer.byteLength(body) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", reject);
      },
    );
    outgoing.setTimeout(10_000, () => outgoing.destroy(new Error("request timed out")));
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

/** Starts `emulator/src/main.ts` in its own Node process on an ephemeral port and waits for its banner. */
function startEmulatorProcess(): Promise<{ child: ChildProcess; origin: URL }> {
  // __dirname exists when tsx loads this file as CommonJS (the package is not "type": "module"); cwd is the fallback.
  const repoRoot = typeof __dirname === "string" ? path.resolve(__dirname, "..") : process.cwd();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "emulator/src/main.ts")], {
    cwd: repoRoot,
    env: {
      ...process.env,
      EBAY_EMULATOR_PORT: "0",
      EBAY_EMULATOR_HOST: "127.0.0.1",
      EBAY_EMULATOR_STATE_FILE: "",
      EBAY_EMULATOR_CONFIG: "",
      EBAY_CLIENT_ID: DEMO_CLIENT_ID,
      EBAY_CLIENT_SECRET: DEMO_CLIENT_SECRET,
      EBAY_RU_NAME: DEMO_RU_NAME,
      // Real quotas would stop a benchmark after 5,000 calls; the bench measures speed, not quota handling.
      EBAY_EMULATOR_QUOTA_API: "1000000000",
      EBAY_EMULATOR_QUOTA_REFRESH_TOKEN: "1000000000",
      EBAY_EMULATOR_QUOTA_AUTHORIZATION_CODE: "1000000000",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("emulator did not start in time"));
    }, STARTUP_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        resolve({ child, origin: new URL(match[1]!) });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited early (code ${code}): ${output.slice(-500)}`));
    });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

interface LoadOutcome {
  requestsPerSecond: number;
  completed: number;
  failures: number;
  p50Ms: number;
  p99Ms: number;
}

/** Keeps CONCURRENCY requests in flight for WARMUP_MS + MEASURE_MS; only the measured window counts. */
async function runLoad(fire: () => Promise<Answer>, expectedStatus: number): Promise<LoadOutcome> {
  const warmupEnds = performance.now() + WARMUP_MS;
  const measureEnds = warmupEnds + MEASURE_MS;
  const latencies: number[] = [];
  let failures = 0;
  const worker = async () => {
    while (performance.now() < measureEnds) {
      const started = performance.now();
      let ok = false;
      try {
        ok = (await fire()).status === expectedStatus;
      } catch {
        ok = false;
      }
      const finished = performance.now();
      if (started >= warmupEnds && finished <= measureEnds) {
        if (ok) latencies.push(finished - started);
        else failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return {
    requestsPerSecond: Math.round(latencies.length / (MEASURE_MS / 1000)),
    completed: latencies.length,
    failures,
    p50Ms: Number(percentile(0.5).toFixed(2)),
    p99Ms: Number(percentile(0.99).toFixed(2)),
  };
}

export async function benchEmulatorThroughput(): Promise<BenchResult[]> {
  const { child, origin } = await startEmulatorProcess();
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    const basic = `Basic ${Buffer.from(`${DEMO_CLIENT_ID}:${DEMO_CLIENT_SECRET}`).toString("base64")}`;
    const json = { "content-type": "application/json" };
    const form = { "content-type": "application/x-www-form-urlencoded", authorization: basic };

    const consent = await send(agent, origin, "POST", "/__emulator/consent", json, JSON.stringify({ username: "demo_us_jane" }));
    const code = new URL((JSON.parse(consent.body) as { location: string }).location).searchParams.get("code")!;
    const exchange = await send(agent, origin, "POST", "/identity/v1/oauth2/token", form, new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: DEMO_RU_NAME }).toString());
    if (exchange.status !== 200) throw new Error(`code exchange failed with HTTP ${exchange.status}`);
    const tokens = JSON.parse(exchange.body) as { access_token: string; refresh_token: string };

    const refreshBody = new URLSearchParams({ grant_type: "refresh_token", refresh_token: tokens.refresh_token, scope: SCOPES }).toString();
    const refresh = await runLoad(() => send(agent, origin, "POST", "/identity/v1/oauth2/token", form, refreshBody), 200);
    const identityHeaders = { authorization: `Bearer ${tokens.access_token}` };
    const identity = await runLoad(() => send(agent, origin, "GET", "/commerce/identity/v1/user/", identityHeaders), 200);

    const note = (outcome: LoadOutcome) =>
      `${outcome.completed} ok / ${outcome.failures} failed in ${MEASURE_MS / 1000}s, concurrency ${CONCURRENCY}, keep-alive, p50 ${outcome.p50Ms} ms, p99 ${outcome.p99Ms} ms, emulator in its own process`;
    return [
      { name: "emulator: token refresh (POST /identity/v1/oauth2/token)", value: refresh.requestsPerSecond, unit: "req/s", target: ">= 2000", note: note(refresh) },
      { name: "emulator: Identity getUser (GET /commerce/identity/v1/user/)", value: identity.requestsPerSecond, unit: "req/s", target: ">= 2000", note: note(identity) },
    ];
  } finally {
    agent.destroy();
    await stopProcess(child);
  }
}

const invokedDirectly = path.basename(process.argv[1] ?? "").startsWith("emulator-throughput");
if (invokedDirectly) {
  const deadline = setTimeout(() => {
    console.error("emulator throughput bench exceeded 90 s; giving up");
    process.exit(1);
  }, 90_000);
  deadline.unref();
  benchEmulatorThroughput().then(
    (results) => {
      console.table(results.map(({ name, value, unit, target }) => ({ name, value, unit, target })));
      for (const result of results) console.log(`${result.name}: ${result.note ?? ""}`);
    },
    (error: unknown) => {
      console.error(`emulator throughput bench failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
