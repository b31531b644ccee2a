import { chmodSync, mkdirSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

// The data folder (.data, or CHANNELKEYS_DATA_DIR) holds the token encryption keys, the session secret, the
// embedded database's password and the database itself: no other local user may list or read it. Folders are
// 0700 and files 0600. One exception, made by scripts/db/embedded-postgres.ts when it runs as root: the embedded
// PostgreSQL then runs as the "postgres" user (it refuses root), which must pass through the folders above its
// cluster, so those are 0711 (enter, but not list or read) and are left so here.

const PRIVATE_FOLDER = 0o700;
const PASSABLE_FOLDER = 0o711;
const PRIVATE_FILE = 0o600;

/** Creates the folder (and missing parents) private, or makes an existing one private. */
export function ensurePrivateDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_FOLDER });
  tightenFolder(dir);
}

/**
 * What an older version (or another tool) may have left readable: the folder and its sub-folders become 0700, every
 * file 0600. The embedded cluster's folder is PostgreSQL's own (it keeps it 0700 and refuses to start otherwise).
 */
export function securePrivateDataDirectory(dir: string): void {
  ensurePrivateDirectory(dir);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "postgres") securePrivateDataDirectory(full);
    } else if (entry.isFile() && (statSync(full).mode & 0o077) !== 0) {
      chmodSync(full, PRIVATE_FILE);
    }
  }
}

function tightenFolder(dir: string): void {
  const mode = statSync(dir).mode & 0o777;
  if (mode !== PRIVATE_FOLDER && mode !== PASSABLE_FOLDER) chmodSync(dir, PRIVATE_FOLDER);
}
