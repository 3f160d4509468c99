// Files and directories only their owner reads: the data directory, the SQLite files, the master key, the admin key.
import { chmodSync, existsSync, mkdirSync, openSync, closeSync, statSync, writeFileSync } from 'node:fs';

const OWNER_DIR = 0o700;
const OWNER_FILE = 0o600;

/**
 * Creates `dir` (and missing parents) 0700, whatever the umask. A directory that already exists is left as it is (the
 * operator may have chosen its mode, e.g. a shared volume): returns its mode when group or others can get in, so the
 * caller can warn; else null.
 */
export function makePrivateDir(dir: string): number | null {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: OWNER_DIR });
    chmodSync(dir, OWNER_DIR); // mkdir's mode is masked by the umask; chmod is not
    return null;
  }
  const mode = statSync(dir).mode & 0o777;
  return mode & 0o077 ? mode : null;
}

/** Writes a file readable by the owner only. */
export function writePrivateFile(path: string, content: string): void {
  writeFileSync(path, content, { mode: OWNER_FILE });
  chmodSync(path, OWNER_FILE);
}

/** Creates `path` empty and 0600 unless it exists (so that a program opening it next finds it private). */
export function createPrivateFile(path: string): void {
  if (existsSync(path)) return;
  closeSync(openSync(path, 'a', OWNER_FILE));
  chmodSync(path, OWNER_FILE);
}

/** Makes each of `paths` that exists 0600 if group or others could read or write it. */
export function tightenToOwner(...paths: string[]): void {
  for (const p of paths) {
    if (!existsSync(p)) continue;
    if (statSync(p).mode & 0o077) chmodSync(p, OWNER_FILE);
  }
}
