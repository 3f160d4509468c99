#!/usr/bin/env node
// The `cognate` command (and `npm start`): runs the compiled server in dist/, which `npm install` builds
// (the `prepare` script). When dist/ is missing or older than a file under src/ — a checkout edited since
// the last build — it runs src/ through tsx instead, saying so, so what runs is always what the source says.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist', 'main.js');

/** The newest modification time of the compiled inputs under dir (tests are not compiled). */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function builtIsCurrent() {
  if (!existsSync(built)) return false;
  const src = join(root, 'src');
  return !existsSync(src) || statSync(built).mtimeMs >= newestSource(src);
}

if (builtIsCurrent()) {
  await import(new URL('../dist/main.js', import.meta.url).href);
} else {
  process.stderr.write('cognate: running from source (dist/ is missing or older than src/; `npm run build` compiles it)\n');
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/main.ts', import.meta.url).href);
}
