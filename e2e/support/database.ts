import { readFileSync } from "node:fs";
import path from "node:path";

// The database the e2e web server runs on (playwright.config.ts): a database on TEST_DATABASE_URL's server, or the
// suite's own embedded PostgreSQL in .data/e2e-<port>.
export function e2eDatabaseUrl(): string {
  const appPort = Number(process.env.E2E_APP_PORT ?? 3100);
  if (process.env.TEST_DATABASE_URL) {
    const url = new URL(process.env.TEST_DATABASE_URL);
    url.pathname = `/channelkeys_e2e_${appPort}`;
    return url.toString();
  }
  const config = JSON.parse(readFileSync(path.resolve(`.data/e2e-${appPort}`, "embedded-postgres.json"), "utf8")) as {
    port: number;
    user: string;
    password: string;
  };
  return `postgresql://${config.user}:${encodeURIComponent(config.password)}@127.0.0.1:${config.port}/channelkeys`;
}
