// The shared test clock: with a clock file, the emulator's virtual now lives in that file, so ChannelKeys (reading
// the same file through lib/clock.ts) and the emulator agree on "17 months later" without touching database rows.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { optionsFromEnv } from "../src/config";
import { control, startEmulator, tokenRequest, type RunningEmulator } from "./support";

const SEVENTEEN_MONTHS = 44_712_000;

describe("shared clock file", () => {
  let folder: string;
  let clockFile: string;
  let running: RunningEmulator | undefined;

  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), "emulator-clock-"));
    clockFile = path.join(folder, "data", "clock.json");
  });

  afterEach(async () => {
    await running?.emulator.close();
    running = undefined;
    rmSync(folder, { recursive: true, force: true });
  });

  const stored = () => JSON.parse(readFileSync(clockFile, "utf8")) as { offsetSeconds: number; updatedAt: string };

  it("is read from EBAY_EMULATOR_CLOCK_FILE", () => {
    expect(optionsFromEnv({ EBAY_EMULATOR_CLOCK_FILE: clockFile }).clockFile).toBe(clockFile);
    expect(optionsFromEnv({}).clockFile).toBeUndefined();
  });

  it("resets the file at start, writes every advance to it, and resets it again on /__emulator/reset", async () => {
    running = await startEmulator({ clockFile });
    expect(existsSync(clockFile)).toBe(true);
    expect(stored().offsetSeconds).toBe(0);

    const advanced = await control(running.origin, "POST", "clock", { advanceSeconds: SEVENTEEN_MONTHS });
    expect(advanced.json.offsetSeconds).toBe(SEVENTEEN_MONTHS);
    expect(stored().offsetSeconds).toBe(SEVENTEEN_MONTHS);

    await control(running.origin, "POST", "clock", { advanceSeconds: 60 });
    expect(stored().offsetSeconds).toBe(SEVENTEEN_MONTHS + 60);

    await control(running.origin, "POST", "reset");
    expect(stored().offsetSeconds).toBe(0);
  });

  it("follows an offset written to the file by the other side", async () => {
    running = await startEmulator({ clockFile });
    writeFileSync(clockFile, JSON.stringify({ offsetSeconds: 86_400 }));
    const clock = await control(running.origin, "GET", "clock");
    expect(clock.json.offsetSeconds).toBe(86_400);
    expect(Date.parse(clock.json.now) - Date.now()).toBeGreaterThan(86_300_000);
  });

  it("expires what the file's time says: a refresh token 17 months old still refreshes, 18 months old does not", async () => {
    running = await startEmulator({ clockFile });
    const { location } = (await control(running.origin, "POST", "consent", { username: "demo_us_jane" })).json as { location: string };
    const code = new URL(location).searchParams.get("code")!;
    const exchange = await tokenRequest(running.origin, { grant_type: "authorization_code", code, redirect_uri: "ChannelKeys-ChannelK-EMU-abcdefgh" });
    expect(exchange.status).toBe(200);
    const { refresh_token: refreshToken } = (await exchange.json()) as { refresh_token: string };

    writeFileSync(clockFile, JSON.stringify({ offsetSeconds: SEVENTEEN_MONTHS }));
    expect((await tokenRequest(running.origin, { grant_type: "refresh_token", refresh_token: refreshToken })).status).toBe(200);

    writeFileSync(clockFile, JSON.stringify({ offsetSeconds: 47_304_000 + 60 }));
    const expired = await tokenRequest(running.origin, { grant_type: "refresh_token", refresh_token: refreshToken });
    expect(expired.status).toBe(400);
    expect(((await expired.json()) as { error: string }).error).toBe("invalid_grant");
  });
});
