// `npm run build` and the `prepare` step of `npm install`: compiles src/ into dist/ with TypeScript.
// A production install without the dev dependencies (`npm ci --omit=dev`) has no TypeScript: the build is then
// skipped, saying so, and bin/cognate.mjs runs the source through tsx (a runtime dependency) instead.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
let tsc;
try {
  // Through package.json: TypeScript 7's "exports" do not list bin/tsc.
  tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
} catch {
  process.stderr.write('cognate: TypeScript is not installed (a production install); `npm start` will run src/ through tsx\n');
  process.exit(0);
}
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
