// User pool groups: quotas, lookups, the GroupType a group describes as, and the token claims a user's groups give.
import type { Deps } from '../../deps.ts';
import type { GroupRecord } from '../../storage/records.ts';
import { InvalidCursorError } from '../../storage/store.ts';
import { GroupExistsException, InvalidParameterException, ResourceNotFoundException } from '../errors.ts';
import type { GroupType } from '../shapes.ts';
import { seconds } from './pools.ts';

/** Groups per user pool (quotas page: 10,000). */
export const MAX_GROUPS_PER_POOL = 10_000;
/** Groups a user can belong to (quotas page: 100). */
export const MAX_GROUPS_PER_USER = 100;
/** ListGroups, AdminListGroupsForUser and ListUsersInGroup: Limit ≤ 60 (model); 60 when left out or 0. */
export const MAX_GROUP_LIST_LIMIT = 60;

/** Observed answer for a group that does not exist (amplify-cli#2214, from AdminAddUserToGroup). */
export const GROUP_NOT_FOUND = 'Group not found.';

/** Widely reported CreateGroup answer for a taken name (COGNITO-API §10, not re-confirmed from a capture). */
export const groupExists = (name: string) => new GroupExistsException(`A group with the name ${name} already exists.`);

export async function getGroup(deps: Pick<Deps, 'store'>, poolId: string, name: string): Promise<GroupRecord> {
  const group = await deps.store.groups.get(poolId, name);
  if (!group) throw new ResourceNotFoundException(GROUP_NOT_FOUND);
  return group;
}

export function groupListLimit(limit: number | undefined): number {
  return limit ? Math.min(limit, MAX_GROUP_LIST_LIMIT) : MAX_GROUP_LIST_LIMIT;
}

/** Runs a paginated store read, answering a token the store did not make with InvalidParameterException. */
export async function withPaginationToken<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    // Wording not confirmed against the real service (as ListUserPoolClients).
    if (e instanceof InvalidCursorError) throw new InvalidParameterException('Invalid pagination token.');
    throw e;
  }
}

/** GroupType in the model's member order; Description, RoleArn and Precedence only when the group has them. */
export function groupType(g: GroupRecord): GroupType {
  return {
    GroupName: g.name,
    UserPoolId: g.poolId,
    ...(g.description !== null ? { Description: g.description } : {}),
    ...(g.roleArn !== null ? { RoleArn: g.roleArn } : {}),
    ...(g.precedence !== null ? { Precedence: g.precedence } : {}),
    LastModifiedDate: seconds(g.updatedAt),
    CreationDate: seconds(g.createdAt),
  };
}

/**
 * Lower Precedence first; a group without one after every group with one ("Groups with lower Precedence values take
 * precedence over groups with higher or null Precedence values", CreateGroup API reference); then by name.
 */
export function byPrecedence(a: GroupRecord, b: GroupRecord): number {
  const pa = a.precedence ?? Number.POSITIVE_INFINITY;
  const pb = b.precedence ?? Number.POSITIVE_INFINITY;
  if (pa !== pb) return pa < pb ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The claims a user's groups put in their tokens (COGNITO-API §3.2), none when the user is in no group:
 * - `cognito:groups`: the group names, by precedence (order inferred: Cognito documents none);
 * - `cognito:roles`: the distinct role ARNs of those groups, in the same order;
 * - `cognito:preferred_role`: the role of the highest-precedence group that has a role. When several groups share
 *   that precedence with different roles, "the cognito:preferred_role claim isn't set" (CreateGroup API reference).
 * The access token carries only `cognito:groups`.
 */
export function groupClaimsOf(groups: readonly GroupRecord[]): Record<string, unknown> {
  if (groups.length === 0) return {};
  const sorted = [...groups].sort(byPrecedence);
  const out: Record<string, unknown> = { 'cognito:groups': sorted.map((g) => g.name) };
  const withRole = sorted.filter((g) => g.roleArn !== null);
  if (withRole.length === 0) return out;
  out['cognito:roles'] = [...new Set(withRole.map((g) => g.roleArn!))];
  const top = withRole[0]!.precedence;
  const preferred = new Set(withRole.filter((g) => g.precedence === top).map((g) => g.roleArn!));
  if (preferred.size === 1) out['cognito:preferred_role'] = [...preferred][0];
  return out;
}
