// The storage interface the domain owns; SQLite and PostgreSQL implement it and pass one contract suite.
// Every method is atomic on its own: operations that must change several rows at once get one method.
import type { ClientRecord, DomainRecord, Page, PoolRecord, SigningKeyRecord } from './records.ts';

export type CreateResult = 'ok' | 'limit' | 'exists';

export interface PoolStore {
  /** Inserts the pool with its signing keys, unless `maxPools` pools exist already ('limit'). */
  create(pool: PoolRecord, keys: SigningKeyRecord[], maxPools: number): Promise<CreateResult>;
  get(id: string): Promise<PoolRecord | null>;
  /** Pools in creation order; `cursor` is a previous page's `next`. */
  list(limit: number, cursor?: string): Promise<Page<PoolRecord>>;
  /** Writes `pool` (with version already bumped) only if the stored version is `pool.version - 1`; false otherwise. */
  update(pool: PoolRecord): Promise<boolean>;
  /** Deletes the pool and everything in it (clients, domains, keys, …). False if it did not exist. */
  delete(id: string): Promise<boolean>;
  count(): Promise<number>;
}

export interface ClientStore {
  /** Inserts unless the pool has `maxClients` clients already ('limit'). */
  create(client: ClientRecord, maxClients: number): Promise<CreateResult>;
  /** By client id alone (client ids are unique across pools): public flows name only the client. */
  get(clientId: string): Promise<ClientRecord | null>;
  list(poolId: string, limit: number, cursor?: string): Promise<Page<ClientRecord>>;
  /** Conditional on version as PoolStore.update. */
  update(client: ClientRecord): Promise<boolean>;
  delete(poolId: string, clientId: string): Promise<boolean>;
}

export interface DomainStore {
  /** 'exists' when the domain name is taken (by any pool). */
  create(domain: DomainRecord): Promise<CreateResult>;
  get(domain: string): Promise<DomainRecord | null>;
  listForPool(poolId: string): Promise<DomainRecord[]>;
  update(domain: DomainRecord): Promise<boolean>;
  delete(domain: string): Promise<boolean>;
}

export interface SigningKeyStore {
  /** Every key of the pool, retired ones included, newest first. */
  listForPool(poolId: string): Promise<SigningKeyRecord[]>;
  /** Adds keys and, in the same step, sets retiresAt on the pool's current keys of the same uses. */
  rotate(poolId: string, added: SigningKeyRecord[], retiresAt: number): Promise<void>;
  add(keys: SigningKeyRecord[]): Promise<void>;
}

export interface MetaStore {
  get(key: string): Promise<string | null>;
  /** Sets the value unless the key exists; returns the stored value either way. */
  setIfAbsent(key: string, value: string): Promise<string>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  pools: PoolStore;
  clients: ClientStore;
  domains: DomainStore;
  keys: SigningKeyStore;
  meta: MetaStore;
  /** Applies pending numbered migrations; returns the versions applied. */
  migrate(): Promise<number[]>;
  close(): Promise<void>;
}

/** Cursor helpers: keyset pagination on (createdAt, id), opaque to clients. */
export function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}
export function decodeCursor(cursor: string): [number, string] | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    /* fallthrough */
  }
  return null;
}

/** Thrown by list methods given a cursor they did not make; operations answer InvalidParameterException. */
export class InvalidCursorError extends Error {
  constructor() {
    super('invalid pagination token');
  }
}
