// SQLite outbox: sealed messages until they expire, listed newest first (insertion order within a millisecond).
import type { OutboxStore } from '../store.ts';
import { rows, type Row, type SqliteDb } from './db.ts';

export function sqliteOutbox({ q }: SqliteDb): OutboxStore {
  return {
    async add(m) {
      q(
        `INSERT INTO outbox (id, pool_id, channel, to_address, sealed, sent_at, expires_at, delivery) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(m.id, m.poolId, m.channel, m.to, m.sealed, m.sentAt, m.expiresAt, m.delivery);
    },
    async list(to, limit, now) {
      const found = (
        to === undefined
          ? q('SELECT * FROM outbox WHERE expires_at > ? ORDER BY sent_at DESC, rowid DESC LIMIT ?').all(now, limit)
          : q('SELECT * FROM outbox WHERE to_address = ? AND expires_at > ? ORDER BY sent_at DESC, rowid DESC LIMIT ?').all(to, now, limit)
      ) as Row[];
      return found.map(rows.outbox);
    },
    async purgeExpired(now) {
      return q('DELETE FROM outbox WHERE expires_at <= ?').run(now).changes;
    },
  };
}
