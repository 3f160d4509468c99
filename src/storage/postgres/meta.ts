// PostgreSQL installation-wide key/value settings.
import type { MetaStore } from '../store.ts';
import type { PgDb } from './db.ts';

export function pgMeta({ one, changed }: PgDb): MetaStore {
  return {
    async get(key) {
      const r = await one('SELECT value FROM meta WHERE key = $1', [key]);
      return r ? r.value : null;
    },
    async setIfAbsent(key, value) {
      // Two statements on purpose: after losing an insert race, only a new statement's snapshot sees the winner's row.
      const ins = await one('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING value', [key, value]);
      if (ins) return ins.value;
      return (await one('SELECT value FROM meta WHERE key = $1', [key]))!.value;
    },
    replace: (key, expected, value) => changed('UPDATE meta SET value = $3 WHERE key = $1 AND value = $2', [key, expected, value]),
  };
}
