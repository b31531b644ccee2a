// The database a process starts on: the embedded PostgreSQL (started once, found running by the next process, data
// kept across restarts) and DATABASE_URL (a server that does not answer is one clear line and a non-zero exit).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { DatabaseUnavailableError, resolveDatabase, startOrAttachEmbedded } from "@/scripts/db/embedded-postgres";
import { freePort } from "@/test/support/test-postgres";

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function query<Row extends Record<string, unknown>>(url: string, sql: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("the embedded PostgreSQL", () => {
  it("is started by the first process, found running by the next, and keeps its data across restarts", { timeout: 60_000 }, async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "channelkeys-embedded-"));
    folders.push(dataDir);
    const port = await freePort();
    const first = await resolveDatabase({ env: { CHANNELKEYS_DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(port) } });
    try {
      expect(first.source).toBe("embedded-started");
      expect(first.url).toMatch(new RegExp(`^postgresql://channelkeys:[^@]+@127\\.0\\.0\\.1:${port}/channelkeys$`));
      await query(first.url, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('still here')");

      // A second process (npm run worker next to npm start) attaches; stopping it leaves the server running.
      const second = await resolveDatabase({ env: { CHANNELKEYS_DATA_DIR: dataDir } });
      expect(second).toMatchObject({ source: "embedded-attached", url: first.url });
      await second.stop();
      expect(await query(first.url, "SELECT value FROM kept")).toEqual([{ value: "still here" }]);
    } finally {
      await first.stop();
    }
    // Its connection details are private to the user that runs ChannelKeys.
    expect(statSync(path.join(dataDir, "embedded-postgres.json")).mode & 0o777).toBe(0o600);

    const again = await startOrAttachEmbedded({ dataDir });
    try {
      expect(again.source).toBe("embedded-started");
      expect(await query(again.url, "SELECT value FROM kept")).toEqual([{ value: "still here" }]);
    } finally {
      await again.stop();
    }
  });
});

describe("DATABASE_URL that does not answer", () => {
  it("is refused with one line that names the server, never its password", async () => {
    const port = await freePort();
    const url = `postgres://channelkeys:s3cret-password@127.0.0.1:${port}/channelkeys`;
    const error = await resolveDatabase({ env: { DATABASE_URL: url } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    const message = (error as Error).message;
    expect(message).toContain(`Cannot reach the PostgreSQL database in DATABASE_URL (postgres://channelkeys:***@127.0.0.1:${port}/channelkeys)`);
    expect(message).not.toContain("s3cret-password");
    expect(message).not.toContain("\n");
  });

  it("stops the web server, the worker and the migration at start with that line and a non-zero exit", { timeout: 60_000 }, async () => {
    const port = await freePort();
    const env = { ...process.env, DATABASE_URL: `postgres://channelkeys:s3cret-password@127.0.0.1:${port}/channelkeys` };
    const commands: Array<[string, string[]]> = [
      ["scripts/serve.ts", ["--no-emulator", "--skip-build"]],
      ["scripts/worker.ts", []],
      ["scripts/db-migrate.ts", ["deploy"]],
    ];
    for (const [script, scriptArgs] of commands) {
      const result = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", script, ...scriptArgs], {
        env,
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(result.status, script).toBe(1);
      const lines = result.stderr.trim().split("\n");
      expect(lines, script).toHaveLength(1);
      expect(lines[0], script).toMatch(/^Cannot reach the PostgreSQL database in DATABASE_URL \(postgres:\/\/channelkeys:\*\*\*@127\.0\.0\.1:\d+\/channelkeys\): .*ECONNREFUSED/);
      expect(result.stdout + result.stderr, script).not.toContain("s3cret-password");
    }
  });
});
