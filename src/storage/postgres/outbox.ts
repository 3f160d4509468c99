// PostgreSQL outbox: sealed messages until they expire, listed newest first (insertion order within a millisecond).
import type { OutboxStore } from '../store.ts';
import { rows, type PgDb } from './db.ts';

export function pgOutbox({ pool, all }: PgDb): OutboxStore {
  return {
    async add(m) {
      await pool.query(
        `INSERT INTO outbox (id, pool_id, channel, to_address, sealed, sent_at, expires_at, delivery) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [m.id, m.poolId, m.channel, m.to, m.sealed, m.sentAt, m.expiresAt, m.delivery],
      );
    },
    async list(to, limit, now) {
      const found =
        to === undefined
          ? await all('SELECT * FROM outbox WHERE expires_at > $1 ORDER BY sent_at DESC, seq DESC LIMIT $2', [now, limit])
          : await all('SELECT * FROM outbox WHERE to_address = $1 AND expires_at > $2 ORDER BY sent_at DESC, seq DESC LIMIT $3', [
              to,
              now,
              limit,
            ]);
      return found.map(rows.outbox);
    },
    async purgeExpired(now) {
      const r = await pool.query('DELETE FROM outbox WHERE expires_at <= $1', [now]);
      return r.rowCount ?? 0;
    },
  };
}
