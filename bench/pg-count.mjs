// Bench only, never loaded by the server itself: bench/run.ts preloads it into the server's processes
// (node --import=…; cluster workers inherit the primary's execArgv) to count the PostgreSQL round trips. Every pg Client.query is one
// round trip (pg sends one statement at a time per connection; pool.query goes through it). On SIGUSR2 the process
// writes its running counts, by statement (first words of the SQL), to $COGNATE_BENCH_PG_COUNT_DIR/<pid>.json.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.COGNATE_BENCH_PG_COUNT_DIR;
if (dir) {
  const require = createRequire(join(process.cwd(), 'package.json'));
  const pg = require('pg');
  const counts = {};
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, ...rest) {
    const text = typeof config === 'string' ? config : (config?.text ?? '?');
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 90);
    counts[key] = (counts[key] ?? 0) + 1;
    return query.call(this, config, ...rest);
  };
  process.on('SIGUSR2', () => writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify(counts)));
}
