// The emulator's own attack surface: it binds to loopback unless told otherwise, its control API answers only this
// machine (peer address, Host header, browser Origin), and EBAY_EMULATOR_CONTROL_ALLOW_REMOTE=1 is the one way out.
import { spawn, type ChildProcess } from "node:child_process";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { optionsFromEnv } from "../src/config";
import { basicAuth, control, externalIPv4Address, rawRequest, startEmulator, tokenRequest, type RunningEmulator } from "./support";

const WORKTREE = path.resolve(__dirname, "..", "..");
const externalAddress = externalIPv4Address();

describe("binding", () => {
  it("createEmulator listens on 127.0.0.1 unless a host is given", async () => {
    const running = await startEmulator();
    try {
      expect((running.emulator.server.address() as AddressInfo).address).toBe("127.0.0.1");
      expect(running.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await running.emulator.close();
    }
  });

  describe("npm run emulator (emulator/src/main.ts) without EBAY_EMULATOR_HOST", () => {
    let child: ChildProcess | undefined;
    afterEach(() => {
      if (child?.pid !== undefined && child.exitCode === null) child.kill("SIGTERM");
      child = undefined;
    });

    it.skipIf(!externalAddress)("is reachable on loopback and refuses connections on the machine's other addresses", async () => {
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, EBAY_EMULATOR_PORT: "0" } as unknown as NodeJS.ProcessEnv;
      child = spawn(path.join(WORKTREE, "node_modules", ".bin", "tsx"), ["emulator/src/main.ts"], { cwd: WORKTREE, env, stdio: ["ignore", "pipe", "pipe"] });
      const origin = await new Promise<string>((resolve, reject) => {
        let output = "";
        const timer = setTimeout(() => reject(new Error(`no banner: ${output}`)), 15_000);
        child!.stdout!.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening on (http:\/\/\S+) /.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
        child!.on("exit", (code) => reject(new Error(`emulator exited with ${code}: ${output}`)));
      });
      expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const port = new URL(origin).port;
      expect((await fetch(`${origin}/__emulator/health`)).status).toBe(200);
      const elsewhere = await fetch(`http://${externalAddress}:${port}/__emulator/health`).catch((error: unknown) => error);
      expect(elsewhere).toBeInstanceOf(TypeError);
      expect(((elsewhere as TypeError).cause as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
    });
  });
});

describe("control API access", () => {
  let running: RunningEmulator;
  beforeAll(async () => {
    running = await startEmulator();
  });
  afterAll(() => running.emulator.close());

  const health = (headers: Record<string, string>) => rawRequest(`${running.origin}/__emulator/health`, { headers });

  it("answers loopback clients addressing it as 127.0.0.1, localhost or [::1]", async () => {
    const { port } = new URL(running.origin);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `app.localhost:${port}`, `[::1]:${port}`]) {
      expect((await health({ host })).status, host).toBe(200);
    }
    expect((await health({ origin: "http://localhost:3000" })).status).toBe(200);
  });

  it("refuses a Host header naming another machine (DNS rebinding) with 403", async () => {
    for (const host of ["attacker.example", "attacker.example:4010", "192.0.2.77", "localhost.attacker.example"]) {
      const answer = await health({ host });
      expect(answer.status, host).toBe(403);
      expect(JSON.parse(answer.body)).toEqual({ error: "the control API answers requests addressed to a loopback host only" });
    }
  });

  it("refuses cross-site browser requests (a foreign or opaque Origin) with 403, before touching any state", async () => {
    expect((await control(running.origin, "POST", "users", { username: "kept_seller" })).status).toBe(201);
    // What a page on another site can send without a CORS preflight: a text/plain POST.
    const reset = await rawRequest(`${running.origin}/__emulator/reset`, { method: "POST", headers: { origin: "https://attacker.example", "content-type": "text/plain" } });
    expect(reset.status).toBe(403);
    expect(JSON.parse(reset.body)).toEqual({ error: "the control API refuses cross-site browser requests" });
    expect((await control(running.origin, "GET", "health")).json.sellers).toBe(7);
    expect((await health({ origin: "null" })).status).toBe(403);
  });

  it("never restricts the eBay surface: Host and Origin are eBay's business there", async () => {
    const answer = await rawRequest(`${running.origin}/identity/v1/oauth2/token`, {
      method: "POST",
      headers: { host: "api.ebay.com", origin: "https://attacker.example", authorization: basicAuth(), "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    expect(answer.status).toBe(200);
  });
});

describe.skipIf(!externalAddress)("control API from another address", () => {
  let closed: RunningEmulator | undefined;
  let open: RunningEmulator | undefined;
  afterAll(async () => {
    await closed?.emulator.close();
    await open?.emulator.close();
  });

  it("answers a non-loopback peer with 403 but still serves it the eBay surface", async () => {
    closed = await startEmulator({ host: externalAddress });
    expect(closed.origin).toBe(`http://${externalAddress}:${new URL(closed.origin).port}`);
    const refused = await fetch(`${closed.origin}/__emulator/health`);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: "the control API answers loopback clients only (set EBAY_EMULATOR_CONTROL_ALLOW_REMOTE=1 to allow others)" });
    expect((await fetch(`${closed.origin}/__emulator/reset`, { method: "POST" })).status).toBe(403);
    expect((await tokenRequest(closed.origin, { grant_type: "client_credentials" })).status).toBe(200);
  });

  it("answers it when EBAY_EMULATOR_CONTROL_ALLOW_REMOTE=1", async () => {
    open = await startEmulator({ ...optionsFromEnv({ EBAY_EMULATOR_CONTROL_ALLOW_REMOTE: "1" }), host: externalAddress });
    expect((await fetch(`${open.origin}/__emulator/health`)).status).toBe(200);
    expect((await rawRequest(`${open.origin}/__emulator/health`, { headers: { host: "emulator.internal:4010" } })).status).toBe(200);
  });
});

describe("EBAY_EMULATOR_CONTROL_ALLOW_REMOTE", () => {
  it("is off by default, on for 1 or true, and refuses anything else", () => {
    expect(optionsFromEnv({}).controlAllowRemote).toBeUndefined();
    expect(optionsFromEnv({ EBAY_EMULATOR_CONTROL_ALLOW_REMOTE: "1" }).controlAllowRemote).toBe(true);
    expect(optionsFromEnv({ EBAY_EMULATOR_CONTROL_ALLOW_REMOTE: "true" }).controlAllowRemote).toBe(true);
    expect(optionsFromEnv({ EBAY_EMULATOR_CONTROL_ALLOW_REMOTE: "0" }).controlAllowRemote).toBe(false);
    expect(() => optionsFromEnv({ EBAY_EMULATOR_CONTROL_ALLOW_REMOTE: "yes please" })).toThrow("EBAY_EMULATOR_CONTROL_ALLOW_REMOTE must be 1 or 0");
  });
});
