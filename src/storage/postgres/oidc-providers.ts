// PostgreSQL IAM OpenID Connect providers: as sqlite/oidc-providers.ts; creates counted under an advisory lock.
import type { OidcProviderStore } from '../interfaces/oidc-providers.ts';
import { oidcProviderOf, oidcProviderValues } from '../sqlite/oidc-providers.ts';
import { LOCK, num, type PgDb } from './db.ts';

export function pgOidcProviders({ tx, one, all, changed }: PgDb): OidcProviderStore {
  return {
    create(p, max) {
      return tx(async (c) => {
        await c.query(`SELECT pg_advisory_xact_lock(${LOCK})`, ['iam_oidc_providers']);
        const { rows: found } = await c.query('SELECT 1 FROM iam_oidc_providers WHERE arn = $1', [p.arn]);
        if (found.length > 0) return 'exists' as const;
        const { rows: counted } = await c.query('SELECT count(*) AS n FROM iam_oidc_providers');
        if (num(counted[0].n) >= max) return 'limit' as const;
        await c.query('INSERT INTO iam_oidc_providers (arn, url, client_ids, thumbprints, created_at) VALUES ($1, $2, $3, $4, $5)', oidcProviderValues(p));
        return 'ok' as const;
      });
    },
    async get(arn) {
      const r = await one('SELECT * FROM iam_oidc_providers WHERE arn = $1', [arn]);
      return r ? oidcProviderOf(r) : null;
    },
    async list() {
      return (await all('SELECT * FROM iam_oidc_providers ORDER BY arn', [])).map(oidcProviderOf);
    },
    delete(arn) {
      return changed('DELETE FROM iam_oidc_providers WHERE arn = $1', [arn]);
    },
  };
}
