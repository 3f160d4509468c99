// The storage interface of a user pool's OAuth 2.0 resource servers and their custom scopes.
import type { Page } from '../records.ts';
import type { CreateResult } from './create-result.ts';

export interface ResourceServerScope {
  name: string;
  description: string;
}

/** A resource server of a pool: its identifier prefixes its scopes in tokens (`{identifier}/{scope}`). */
export interface ResourceServerRecord {
  poolId: string;
  identifier: string;
  name: string;
  /** In the order they were given. */
  scopes: ResourceServerScope[];
  createdAt: number;
  updatedAt: number;
}

export interface ResourceServerStore {
  /** 'exists' when the pool has a server of that identifier; 'limit' at `maxServers` servers in the pool. */
  create(server: ResourceServerRecord, maxServers: number): Promise<CreateResult>;
  get(poolId: string, identifier: string): Promise<ResourceServerRecord | null>;
  /** Servers of a pool by identifier. */
  list(poolId: string, limit: number, cursor?: string): Promise<Page<ResourceServerRecord>>;
  /** Every server of the pool (at most the pool's quota), by identifier: the scopes app clients may name. */
  all(poolId: string): Promise<ResourceServerRecord[]>;
  /** Replaces name, scopes and updatedAt; false when the server is gone. */
  update(server: ResourceServerRecord): Promise<boolean>;
  delete(poolId: string, identifier: string): Promise<boolean>;
}
