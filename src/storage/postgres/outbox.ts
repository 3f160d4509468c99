// PostgreSQL outbox: messages sent to users, listed newest first (insertion order within a millisecond).
import type { OutboxStore } from '../store.ts';
import { rows, type PgDb } from './db.ts';

export function pgOutbox({ pool, all }: PgDb): OutboxStore {
  return {
    async add(m) {
      await pool.query(
        `INSERT INTO outbox (id, pool_id, channel, to_address, subject, body, sent_at, delivery) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [m.id, m.poolId, m.channel, m.to, m.subject, m.body, m.sentAt, m.delivery],
      );
    },
    async list(to, limit) {
      const found =
        to === undefined
          ? await all('SELECT * FROM outbox ORDER BY sent_at DESC, seq DESC LIMIT $1', [limit])
          : await all('SELECT * FROM outbox WHERE to_address = $1 ORDER BY sent_at DESC, seq DESC LIMIT $2', [to, limit]);
      return found.map(rows.outbox);
    },
  };
}
