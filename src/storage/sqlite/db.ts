// The SQLite handle every aggregate module is built on: the database, a prepared-statement cache, and the row mappers.
// Transactions that write run IMMEDIATE (`tx.immediate(...)`): the write lock is taken at BEGIN, so another process on
// the file waits for it (busy_timeout) instead of a DEFERRED transaction reading first and then failing with
// SQLITE_BUSY ("database is locked") when it tries to write after the other committed.
import type Database from 'better-sqlite3';
import { rowMappers, type Row } from '../rows.ts';

export type { Row };

export interface SqliteDb {
  db: Database.Database;
  /** The statement for `sql`, prepared on first use (after migrate() has created the tables) and cached. */
  q(sql: string): Database.Statement;
  /** Forgets every prepared statement (after migrations, which may change the tables under them). */
  clearStatements(): void;
}

export function sqliteDb(db: Database.Database): SqliteDb {
  const stmts = new Map<string, Database.Statement>();
  return {
    db,
    q(sql) {
      let s = stmts.get(sql);
      if (!s) {
        s = db.prepare(sql);
        stmts.set(sql, s);
      }
      return s;
    },
    clearStatements: () => stmts.clear(),
  };
}

/** SQLite hands back JSON as text, booleans as 0/1 and integers as numbers. */
export const rows = rowMappers({ json: (v) => JSON.parse(v as string), bool: (v) => !!v, num: (v) => v as number });
