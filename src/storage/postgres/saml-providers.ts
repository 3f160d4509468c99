// PostgreSQL IAM SAML providers: as sqlite/saml-providers.ts; creates counted under an advisory lock.
import type { SamlProviderStore } from '../interfaces/saml-providers.ts';
import { samlProviderOf, samlProviderValues } from '../sqlite/saml-providers.ts';
import { LOCK, num, type PgDb } from './db.ts';

export function pgSamlProviders({ tx, one, all, changed }: PgDb): SamlProviderStore {
  return {
    create(p, max) {
      return tx(async (c) => {
        await c.query(`SELECT pg_advisory_xact_lock(${LOCK})`, ['iam_saml_providers']);
        const { rows: found } = await c.query('SELECT 1 FROM iam_saml_providers WHERE arn = $1', [p.arn]);
        if (found.length > 0) return 'exists' as const;
        const { rows: counted } = await c.query('SELECT count(*) AS n FROM iam_saml_providers');
        if (num(counted[0].n) >= max) return 'limit' as const;
        await c.query('INSERT INTO iam_saml_providers (arn, metadata, valid_until, created_at) VALUES ($1, $2, $3, $4)', samlProviderValues(p));
        return 'ok' as const;
      });
    },
    async get(arn) {
      const r = await one('SELECT * FROM iam_saml_providers WHERE arn = $1', [arn]);
      return r ? samlProviderOf(r) : null;
    },
    async list() {
      return (await all('SELECT * FROM iam_saml_providers ORDER BY arn', [])).map(samlProviderOf);
    },
    update(arn, metadata, validUntil) {
      return changed('UPDATE iam_saml_providers SET metadata = $1, valid_until = $2 WHERE arn = $3', [metadata, validUntil, arn]);
    },
    delete(arn) {
      return changed('DELETE FROM iam_saml_providers WHERE arn = $1', [arn]);
    },
  };
}
