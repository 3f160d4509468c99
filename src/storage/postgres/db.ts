// The PostgreSQL handle every aggregate module is built on: the pool, query and transaction helpers, and the row mappers.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { rowMappers, type Row } from '../rows.ts';

export type { Row };
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

// pg hands BIGINT (int8) back as a string; times are epoch ms, well inside 2^53, so Number is exact.
// Converted here rather than by a global type parser, which would change every other pg user in the process.
export const num = (v: unknown): number => Number(v);

/** pg hands back jsonb already parsed, booleans as booleans and BIGINT as strings. */
export const rows = rowMappers({ json: (v) => v, bool: (v) => v === true, num });

// JSONB parameters are always sent as JSON text: pg would turn a JS array (client secrets) into a PostgreSQL array.
export const json = (v: unknown): string => JSON.stringify(v);

// Advisory locks are database-wide, so the key includes the schema: stores in other schemas never wait on ours.
export const LOCK = `hashtextextended(current_schema() || ':cognate:' || $1::text, 0)`;

const names = new Map<string, string>();

/**
 * `sql` as a named prepared statement: each pooled connection parses and plans it once, then only binds and executes
 * it (pg sends an unnamed statement, parsed again, otherwise). The name is a hash of the text, so one text is one
 * statement on every connection and two texts never share a name. Only for fixed texts: the statements one(), all()
 * and changed() run, not SQL assembled per call with varying shape (those would fill each connection with plans).
 */
export function prepared(sql: string, values: unknown[]): pg.QueryConfig {
  let name = names.get(sql);
  if (name === undefined) {
    name = `c${createHash('sha256').update(sql).digest('base64url').slice(0, 22)}`;
    names.set(sql, name);
  }
  return { name, text: sql, values };
}

export interface PgDb {
  pool: pg.Pool;
  /** Runs `fn` in a transaction on one pooled connection: committed if it returns, rolled back if it throws. */
  tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T>;
  /** The first row of a statement, or undefined. */
  one(sql: string, params: unknown[]): Promise<Row | undefined>;
  all(sql: string, params: unknown[]): Promise<Row[]>;
  /** Whether the statement changed exactly one row. */
  changed(sql: string, params: unknown[]): Promise<boolean>;
}

export function pgDb(pool: pg.Pool): PgDb {
  return {
    pool,
    async tx(fn) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const out = await fn(c);
        await c.query('COMMIT');
        c.release();
        return out;
      } catch (e) {
        try {
          await c.query('ROLLBACK');
          c.release();
        } catch (rollbackError) {
          c.release(rollbackError as Error);
        }
        throw e;
      }
    },
    one: async (sql, params) => (await pool.query(prepared(sql, params))).rows[0],
    all: async (sql, params) => (await pool.query(prepared(sql, params))).rows,
    changed: async (sql, params) => (await pool.query(prepared(sql, params))).rowCount === 1,
  };
}
