// The storage interface of app clients of a pool.
import type { ClientRecord, Page, PoolRecord } from '../records.ts';
import type { CreateResult } from './create-result.ts';

export interface ClientStore {
  /** Inserts unless the pool has `maxClients` clients already ('limit'). */
  create(client: ClientRecord, maxClients: number): Promise<CreateResult>;
  /** By client id alone (client ids are unique across pools): public flows name only the client. */
  get(clientId: string): Promise<ClientRecord | null>;
  /** A client with its pool (null if the pool is gone), in one read: what every public sign-in request starts with. */
  getWithPool(clientId: string): Promise<{ client: ClientRecord; pool: PoolRecord | null } | null>;
  list(poolId: string, limit: number, cursor?: string): Promise<Page<ClientRecord>>;
  /** Conditional on version as PoolStore.update. */
  update(client: ClientRecord): Promise<boolean>;
  delete(poolId: string, clientId: string): Promise<boolean>;
}
