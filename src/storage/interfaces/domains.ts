// The storage interface of hosted-UI domains (prefix and custom), unique across pools.
import type { DomainRecord } from '../records.ts';
import type { CreateResult } from './create-result.ts';

export interface DomainStore {
  /** 'exists' when the domain name is taken (by any pool). */
  create(domain: DomainRecord): Promise<CreateResult>;
  get(domain: string): Promise<DomainRecord | null>;
  listForPool(poolId: string): Promise<DomainRecord[]>;
  update(domain: DomainRecord): Promise<boolean>;
  delete(domain: string): Promise<boolean>;
}
