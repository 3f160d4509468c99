// SQLite signing keys: listed newest first, added, and rotated (retire the current ones, add the new) in one transaction.
import type { SigningKeyRecord } from '../records.ts';
import type { SigningKeyStore } from '../store.ts';
import { rows, type Row, type SqliteDb } from './db.ts';

/** Inserts keys on the current transaction (pools.create adds a pool's first keys with it). */
export function insertKeys({ q }: SqliteDb, keys: SigningKeyRecord[]): void {
  for (const k of keys)
    q(
      `INSERT INTO signing_keys (kid, pool_id, use, alg, public_jwk, private_sealed, certificate, created_at, retires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(k.kid, k.poolId, k.use, k.alg, JSON.stringify(k.publicJwk), k.privateSealed, k.certificate, k.createdAt, k.retiresAt);
}

export function sqliteKeys(s: SqliteDb): SigningKeyStore {
  const { db, q } = s;
  const rotate = db.transaction((poolId: string, added: SigningKeyRecord[], retiresAt: number) => {
    const uses = [...new Set(added.map((k) => k.use))];
    for (const use of uses)
      q('UPDATE signing_keys SET retires_at = ? WHERE pool_id = ? AND use = ? AND (retires_at IS NULL OR retires_at > ?)').run(
        retiresAt,
        poolId,
        use,
        retiresAt,
      );
    insertKeys(s, added);
  });
  return {
    async listForPool(poolId) {
      return (q('SELECT * FROM signing_keys WHERE pool_id = ? ORDER BY created_at DESC, kid').all(poolId) as Row[]).map(rows.key);
    },
    async rotate(poolId, added, retiresAt) {
      rotate.immediate(poolId, added, retiresAt);
    },
    async add(keys) {
      db.transaction(() => insertKeys(s, keys)).immediate();
    },
  };
}
