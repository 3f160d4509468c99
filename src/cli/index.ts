// argv → command: serve (default), migrate, rotate-keys. Commands are thin callers of the store and domain.
import type { Config } from '../config/schema.ts';
import { makeDeps, openStore } from '../deps.ts';
import { serve } from './serve.ts';
import { rotateKeys } from './rotate-keys.ts';

const usage = `usage: cognate [serve] [--host H] [--port P] [--data-dir DIR] [--database-url URL] [--public-url URL] [--region R]
                      [--triggers FILE] [--config FILE] [--log-level L] [--workers N] [--dev]
       (each flag also as an environment variable, COGNATE_LAMBDA_ENDPOINT and the rest: see the README)
       cognate migrate
       cognate rotate-keys --pool-id POOL_ID [--revoke]
       (--revoke: the old keys retire now — dropped from the JWKS, tokens they signed refused — instead of in 24 h)
       (from a checkout: npm start -- <the same arguments>)`;

/** Runs a command; returns an exit code, or undefined when the process should stay up (serve). */
export async function runCommand(config: Config, args: string[], extra: Record<string, string | true>): Promise<number | undefined> {
  // `--help` arrives as a flag (loadConfig files every --x under extra), not as a command.
  const [cmd = extra['--help'] ? 'help' : 'serve', ...rest] = args;
  switch (cmd) {
    case 'serve':
      await serve(config);
      return undefined;
    case 'migrate': {
      const store = await openStore(config);
      const applied = await store.migrate();
      await store.close();
      process.stdout.write(applied.length ? `applied migrations ${applied.join(', ')}\n` : 'database is up to date\n');
      return 0;
    }
    case 'rotate-keys': {
      // `--revoke` takes no value; loadConfig files a word after it as its value, which is then the pool id.
      const revoke = extra['--revoke'];
      const poolId = extra['--pool-id'] ?? rest[0] ?? (typeof revoke === 'string' ? revoke : undefined);
      if (typeof poolId !== 'string') {
        process.stderr.write(`${usage}\n`);
        return 2;
      }
      const { deps } = await makeDeps(config);
      try {
        const kids = await rotateKeys(deps, poolId, { revoke: revoke !== undefined });
        const old =
          revoke !== undefined
            ? 'previous keys are revoked: gone from the JWKS, and tokens they signed are refused within seconds'
            : 'previous keys stay in the JWKS until their tokens expire';
        process.stdout.write(`pool ${poolId}: new signing keys ${kids.join(', ')}; ${old}\n`);
        return 0;
      } catch (e) {
        process.stderr.write(`cognate: ${(e as Error).message}\n`);
        return 1;
      } finally {
        await deps.store.close();
      }
    }
    case 'help':
      process.stdout.write(`${usage}\n`);
      return 0;
    default:
      process.stderr.write(`cognate: unknown command '${cmd}'\n${usage}\n`);
      return 2;
  }
}
