// SQLite installation-wide key/value settings.
import type { MetaStore } from '../store.ts';
import type { Row, SqliteDb } from './db.ts';

export function sqliteMeta({ q }: SqliteDb): MetaStore {
  return {
    async get(key) {
      const r = q('SELECT value FROM meta WHERE key = ?').get(key) as Row | undefined;
      return r ? r.value : null;
    },
    async setIfAbsent(key, value) {
      q('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, value);
      return (q('SELECT value FROM meta WHERE key = ?').get(key) as Row).value;
    },
    async replace(key, expected, value) {
      return q('UPDATE meta SET value = ? WHERE key = ? AND value = ?').run(value, key, expected).changes === 1;
    },
  };
}
