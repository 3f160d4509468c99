// argv → command: serve (default), migrate, rotate-keys, identity-key rotate, outbox, help. Commands are thin callers of the store and domain.
// Each command loads what it runs when it runs: help, --version and a refused flag answer without loading the
// server, the stores and their drivers.
import { readFileSync } from 'node:fs';
import type { Config } from '../config/schema.ts';
import { startRefusal } from './startup-refusal.ts';
import { COMMANDS, commandUsage, unknownCommand, unknownFlag, usage } from './usage.ts';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs a command; returns an exit code, or undefined when the process should stay up (serve). */
export async function runCommand(config: Config, args: string[], extra: Record<string, string | true>): Promise<number | undefined> {
  // `--help` and `--version` arrive as flags (loadConfig files every --x under extra), not as commands.
  if (extra['--version']) {
    process.stdout.write(`cognate ${version()}\n`);
    return 0;
  }
  const [cmd = extra['--help'] ? 'help' : 'serve', ...rest] = args;
  if (!COMMANDS[cmd]) {
    process.stderr.write(`cognate: ${unknownCommand(cmd)}\n`);
    return 2;
  }
  const badFlag = unknownFlag(cmd, Object.keys(extra));
  if (badFlag) {
    process.stderr.write(`cognate: ${badFlag}\n`);
    return 2;
  }
  if (extra['--help'] && cmd !== 'help') {
    process.stdout.write(`${commandUsage(cmd)}\n`);
    return 0;
  }
  switch (cmd) {
    case 'serve': {
      const { serve } = await import('./serve.ts');
      await serve(config);
      return undefined;
    }
    case 'migrate': {
      const { openStore } = await import('../deps.ts');
      let applied: number[];
      try {
        const store = await openStore(config);
        applied = await store.migrate().finally(() => store.close());
      } catch (e) {
        throw startRefusal(e, config);
      }
      process.stdout.write(applied.length ? `applied migrations ${applied.join(', ')}\n` : 'database is up to date\n');
      return 0;
    }
    case 'rotate-keys': {
      // `--revoke` takes no value; loadConfig files a word after it as its value, which is then the pool id.
      const revoke = extra['--revoke'];
      const poolId = extra['--pool-id'] ?? rest[0] ?? (typeof revoke === 'string' ? revoke : undefined);
      if (typeof poolId !== 'string') {
        process.stderr.write(`cognate: rotate-keys needs --pool-id POOL_ID\n${commandUsage('rotate-keys')}\n`);
        return 2;
      }
      const [{ makeDeps }, { rotateKeys }] = await Promise.all([import('../deps.ts'), import('./rotate-keys.ts')]);
      const { deps } = await makeDeps(config).catch((e: unknown) => Promise.reject(startRefusal(e, config)));
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
    case 'identity-key': {
      const revoke = extra['--revoke'];
      const sub = rest[0] ?? (typeof revoke === 'string' ? revoke : undefined);
      if (sub !== 'rotate') {
        process.stderr.write(`cognate: identity-key needs a subcommand: rotate\n${commandUsage('identity-key')}\n`);
        return 2;
      }
      const [{ makeDeps }, { rotateIdentityKey }] = await Promise.all([import('../deps.ts'), import('../identity-pools/openid.ts')]);
      const { deps } = await makeDeps(config).catch((e: unknown) => Promise.reject(startRefusal(e, config)));
      try {
        const r = await rotateIdentityKey(deps, { revoke: revoke !== undefined });
        const old = r.retiring.length
          ? `previous keys stay in the JWKS until their tokens expire: ${r.retiring.map((k) => `${k.kid} until ${new Date(k.retiresAt).toISOString()}`).join(', ')}`
          : revoke !== undefined
            ? 'previous keys are revoked: gone from the JWKS, and tokens they signed are refused within seconds'
            : 'no previous key to keep';
        process.stdout.write(`identity pools: new OpenID signing key ${r.kid}; ${old}\n`);
        return 0;
      } finally {
        await deps.store.close();
      }
    }
    case 'outbox': {
      const { outboxCommand, OutboxCommandError } = await import('./outbox.ts');
      try {
        return await outboxCommand(config, extra, (s) => process.stdout.write(s));
      } catch (e) {
        if (!(e instanceof OutboxCommandError)) throw e;
        process.stderr.write(`cognate: ${e.message}\n`);
        return 1;
      }
    }
    case 'help':
    default:
      process.stdout.write(`${usage()}\n`);
      return 0;
  }
}
