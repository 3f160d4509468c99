// SQLite IAM SAML providers: one row per ARN with its metadata document.
import type { SamlProviderRecord, SamlProviderStore } from '../interfaces/saml-providers.ts';
import type { Row, SqliteDb } from './db.ts';

export const samlProviderOf = (r: Row): SamlProviderRecord => ({
  arn: r.arn,
  metadata: r.metadata,
  validUntil: r.valid_until === null ? null : Number(r.valid_until),
  createdAt: Number(r.created_at),
});

/** The INSERT values of a provider, in the column order both backends write. */
export const samlProviderValues = (p: SamlProviderRecord) => [p.arn, p.metadata, p.validUntil, p.createdAt];

export function sqliteSamlProviders({ db, q }: SqliteDb): SamlProviderStore {
  const create = db.transaction((p: SamlProviderRecord, max: number) => {
    if (q('SELECT 1 FROM iam_saml_providers WHERE arn = ?').get(p.arn)) return 'exists' as const;
    const { n } = q('SELECT count(*) AS n FROM iam_saml_providers').get() as Row;
    if (n >= max) return 'limit' as const;
    q('INSERT INTO iam_saml_providers (arn, metadata, valid_until, created_at) VALUES (?, ?, ?, ?)').run(...samlProviderValues(p));
    return 'ok' as const;
  });
  return {
    async create(p, max) {
      return create.immediate(p, max);
    },
    async get(arn) {
      const r = q('SELECT * FROM iam_saml_providers WHERE arn = ?').get(arn) as Row | undefined;
      return r ? samlProviderOf(r) : null;
    },
    async list() {
      return (q('SELECT * FROM iam_saml_providers ORDER BY arn').all() as Row[]).map(samlProviderOf);
    },
    async update(arn, metadata, validUntil) {
      return q('UPDATE iam_saml_providers SET metadata = ?, valid_until = ? WHERE arn = ?').run(metadata, validUntil, arn).changes === 1;
    },
    async delete(arn) {
      return q('DELETE FROM iam_saml_providers WHERE arn = ?').run(arn).changes === 1;
    },
  };
}
