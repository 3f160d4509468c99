// The storage interface of groups of a pool and their memberships.
import type { GroupRecord, Page, UserRecord } from '../records.ts';
import type { CreateResult } from './create-result.ts';

export interface GroupStore {
  /** 'exists' when the pool has a group of that name; 'limit' at `maxGroups` groups in the pool. */
  create(group: GroupRecord, maxGroups: number): Promise<CreateResult>;
  get(poolId: string, name: string): Promise<GroupRecord | null>;
  /** Groups of a pool by name. */
  list(poolId: string, limit: number, cursor?: string): Promise<Page<GroupRecord>>;
  update(group: GroupRecord): Promise<boolean>;
  /** Deletes the group and its memberships. */
  delete(poolId: string, name: string): Promise<boolean>;
  /**
   * Adds the user (idempotent); 'limit' when the user is in `maxGroupsPerUser` groups already. The user and the group
   * must exist (the operation looks both up first): otherwise it throws and stores nothing.
   */
  addMember(poolId: string, name: string, usernameKey: string, maxGroupsPerUser: number): Promise<CreateResult>;
  removeMember(poolId: string, name: string, usernameKey: string): Promise<boolean>;
  /** The user's groups by name, paginated (AdminListGroupsForUser). */
  listForUser(poolId: string, usernameKey: string, limit: number, cursor?: string): Promise<Page<GroupRecord>>;
  /** Every group of the user (at most 100), for token claims. */
  allForUser(poolId: string, usernameKey: string): Promise<GroupRecord[]>;
  /** Members of a group, paginated (ListUsersInGroup). */
  listMembers(poolId: string, name: string, limit: number, cursor?: string): Promise<Page<UserRecord>>;
}
