// SQLite IAM OpenID Connect providers: one row per ARN, client ids and thumbprints as JSON lists.
import type { OidcProviderRecord, OidcProviderStore } from '../interfaces/oidc-providers.ts';
import type { Row, SqliteDb } from './db.ts';

export const oidcProviderOf = (r: Row): OidcProviderRecord => ({
  arn: r.arn,
  url: r.url,
  clientIds: JSON.parse(r.client_ids),
  thumbprints: JSON.parse(r.thumbprints),
  createdAt: Number(r.created_at),
});

/** The INSERT values of a provider, in the column order both backends write. */
export const oidcProviderValues = (p: OidcProviderRecord) => [p.arn, p.url, JSON.stringify(p.clientIds), JSON.stringify(p.thumbprints), p.createdAt];

export function sqliteOidcProviders({ db, q }: SqliteDb): OidcProviderStore {
  const create = db.transaction((p: OidcProviderRecord, max: number) => {
    if (q('SELECT 1 FROM iam_oidc_providers WHERE arn = ?').get(p.arn)) return 'exists' as const;
    const { n } = q('SELECT count(*) AS n FROM iam_oidc_providers').get() as Row;
    if (n >= max) return 'limit' as const;
    q('INSERT INTO iam_oidc_providers (arn, url, client_ids, thumbprints, created_at) VALUES (?, ?, ?, ?, ?)').run(...oidcProviderValues(p));
    return 'ok' as const;
  });
  return {
    async create(p, max) {
      return create.immediate(p, max);
    },
    async get(arn) {
      const r = q('SELECT * FROM iam_oidc_providers WHERE arn = ?').get(arn) as Row | undefined;
      return r ? oidcProviderOf(r) : null;
    },
    async list() {
      return (q('SELECT * FROM iam_oidc_providers ORDER BY arn').all() as Row[]).map(oidcProviderOf);
    },
    async delete(arn) {
      return q('DELETE FROM iam_oidc_providers WHERE arn = ?').run(arn).changes === 1;
    },
  };
}
