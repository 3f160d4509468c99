// PostgreSQL signing keys: listed newest first, added, and rotated (retire the current ones, add the new) in one transaction.
import type { SigningKeyRecord } from '../records.ts';
import type { SigningKeyStore } from '../store.ts';
import { json, rows, type PgDb, type Queryable } from './db.ts';

/** Inserts keys on `db` (pools.create adds a pool's first keys in its transaction). */
export async function insertKeys(db: Queryable, keys: SigningKeyRecord[]): Promise<void> {
  for (const k of keys)
    await db.query(
      `INSERT INTO signing_keys (kid, pool_id, use, alg, public_jwk, private_sealed, certificate, created_at, retires_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9)`,
      [k.kid, k.poolId, k.use, k.alg, json(k.publicJwk), k.privateSealed, k.certificate, k.createdAt, k.retiresAt],
    );
}

export function pgKeys({ tx, all }: PgDb): SigningKeyStore {
  return {
    async listForPool(poolId) {
      return (await all('SELECT * FROM signing_keys WHERE pool_id = $1 ORDER BY created_at DESC, kid', [poolId])).map(rows.key);
    },
    async rotate(poolId, added, retiresAt) {
      const uses = [...new Set(added.map((k) => k.use))];
      await tx(async (c) => {
        await c.query(
          'UPDATE signing_keys SET retires_at = $1 WHERE pool_id = $2 AND use = ANY($3::text[]) AND (retires_at IS NULL OR retires_at > $1)',
          [retiresAt, poolId, uses],
        );
        await insertKeys(c, added);
      });
    },
    async add(keys) {
      await tx((c) => insertKeys(c, keys));
    },
  };
}
