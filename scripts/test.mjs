// Runs the whole suite with Node's own test runner: typecheck first, then every *.test.ts file.
// Usage: npm test [-- file-or-dir-filter ...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
let files = [...find('src'), ...find('test')].sort();
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));

if (!filters.length && !process.env.COGNATE_SKIP_TYPECHECK) {
  const tc = spawnSync('npx', ['tsc', '--noEmit', '-p', '.'], { stdio: 'inherit' });
  if (tc.status !== 0) {
    console.error('typecheck failed');
    process.exit(tc.status ?? 1);
  }
}
if (!process.env.COGNATE_TEST_DATABASE_URL) {
  console.log('# PostgreSQL suite: skipped (COGNATE_TEST_DATABASE_URL is not set; .ci/run sets it)');
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test' },
});
process.exit(r.status ?? 1);
