// SQLite outbox: messages sent to users, listed newest first (insertion order within a millisecond).
import type { OutboxStore } from '../store.ts';
import { rows, type Row, type SqliteDb } from './db.ts';

export function sqliteOutbox({ q }: SqliteDb): OutboxStore {
  return {
    async add(m) {
      q(
        `INSERT INTO outbox (id, pool_id, channel, to_address, subject, body, sent_at, delivery) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(m.id, m.poolId, m.channel, m.to, m.subject, m.body, m.sentAt, m.delivery);
    },
    async list(to, limit) {
      const found = (
        to === undefined
          ? q('SELECT * FROM outbox ORDER BY sent_at DESC, rowid DESC LIMIT ?').all(limit)
          : q('SELECT * FROM outbox WHERE to_address = ? ORDER BY sent_at DESC, rowid DESC LIMIT ?').all(to, limit)
      ) as Row[];
      return found.map(rows.outbox);
    },
  };
}
