// `npm run build` and the `prepare` step of `npm install`: compiles src/ into dist/ with TypeScript, and client/ (the
// sync client library, `cognate/sync`) into dist/client/ with its type declarations.
// A production install without the dev dependencies (`npm ci --omit=dev`) has no TypeScript: the build is then
// skipped, saying so, and bin/cognate.mjs runs the source through tsx (a runtime dependency) instead.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
let tsc;
try {
  // The package's exports name no bin/, so find it beside package.json.
  tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
} catch {
  process.stderr.write('cognate: TypeScript is not installed (a production install); `npm start` will run src/ through tsx\n');
  process.exit(0);
}
for (const project of ['tsconfig.build.json', 'tsconfig.client.json']) {
  const r = spawnSync(process.execPath, [tsc, '-p', project, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
