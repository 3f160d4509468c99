// ListUsers rules: Cognito's Filter grammar mapped to the store's UserFilter, AttributesToGet, and the UserType a listed user shows.
//
// Cognito's grammar (API reference, ListUsers "Filter"): `AttributeName Filter-Type "AttributeValue"`, one condition,
// `=` for equality and `^=` for a prefix, the value in double quotes with `\"` for a quote inside it; an empty filter
// lists every user. Searchable: username (case-sensitive), email, phone_number, name, given_name, family_name,
// preferred_username, cognito:user_status (case-insensitive), status ("Enabled"/"Disabled", case-sensitive), sub.
// Beyond Cognito, Cognate also searches the pool's custom attributes (`custom:x`).
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import type { UserFilter } from '../../storage/store.ts';
import { InvalidParameterException } from '../errors.ts';
import type { UserType } from '../shapes.ts';
import { userType } from './admin-users.ts';
import { poolSettings } from './pools.ts';
import { isCaseInsensitive } from './usernames.ts';

/** ListUsers' page size: Limit ≤ 60 (model), and 60 when left out (or 0, which the model allows). */
export const MAX_LIST_USERS_LIMIT = 60;

/** Observed answer to a filter Cognito cannot parse (aws-sdk-php#1088, #1961: `{"__type":"InvalidParameterException","message":"Error while parsing filter."}`). */
export const FILTER_PARSE_ERROR = 'Error while parsing filter.';

/** Wording as moto answers a filter on an attribute Cognito does not search; not confirmed against the real service. */
export const invalidSearchAttribute = (name: string) => new InvalidParameterException(`Invalid search attribute: ${name}`);

/** Observed answer when AttributesToGet names an attribute the pool does not have (aws-sdk-js#2570). */
export const ATTRIBUTES_DO_NOT_EXIST = 'One or more requested attributes do not exist.';

/** Standard attributes Cognito searches by value: compared case-insensitively, as the developer guide says of searches (and ministack#1465 observed for email). */
const SEARCHABLE_ATTRIBUTES = new Set(['email', 'phone_number', 'name', 'given_name', 'family_name', 'preferred_username']);

export interface ParsedFilter {
  name: string;
  op: '=' | '^=';
  value: string;
}

const NAME_CHAR = /[A-Za-z0-9_:.\-]/;
const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/**
 * Parses a Filter string; null for an empty (or blank) one, which lists every user. Anything else that is not
 * `name op "value"` (quotes required, spaces optional, `\` escaping the next character) is Cognito's parse error.
 * The attribute name may itself be quoted (`"email" ^= "a"`), as some clients send it.
 */
export function parseFilter(filter: string): ParsedFilter | null {
  const fail = () => new InvalidParameterException(FILTER_PARSE_ERROR);
  let i = 0;
  const skip = () => {
    while (isSpace(filter[i])) i++;
  };
  const quoted = (): string => {
    // filter[i] is the opening quote.
    let out = '';
    for (i++; i < filter.length; i++) {
      const c = filter[i]!;
      if (c === '\\') {
        if (i + 1 >= filter.length) throw fail();
        out += filter[++i];
      } else if (c === '"') {
        i++;
        return out;
      } else out += c;
    }
    throw fail();
  };

  skip();
  if (i === filter.length) return null;
  let name: string;
  if (filter[i] === '"') name = quoted();
  else {
    const start = i;
    while (i < filter.length && NAME_CHAR.test(filter[i]!)) i++;
    name = filter.slice(start, i);
  }
  if (!name) throw fail();
  skip();
  let op: ParsedFilter['op'];
  if (filter.startsWith('^=', i)) {
    op = '^=';
    i += 2;
  } else if (filter[i] === '=') {
    op = '=';
    i += 1;
  } else throw fail();
  skip();
  if (filter[i] !== '"') throw fail();
  const value = quoted();
  skip();
  if (i !== filter.length) throw fail();
  return { name, op, value };
}

/**
 * The store condition a parsed filter means in this pool. `username` matches the lookup key, so a pool with
 * case-insensitive usernames finds users whatever the case given; `cognito:user_status` is case-insensitive
 * (statuses are upper-case); `status` is the enabled flag, "Enabled" or "Disabled", case-sensitive.
 */
export function toUserFilter(pool: PoolRecord, f: ParsedFilter): UserFilter {
  const { name, op, value } = f;
  switch (name) {
    case 'username':
      return { field: 'username', op, value: isCaseInsensitive(pool) ? value.toLowerCase() : value };
    case 'sub':
      // Subs are lower-case UUIDs.
      return { field: 'sub', op, value: value.toLowerCase() };
    case 'cognito:user_status':
      return { field: 'status', op, value: value.toUpperCase() };
    case 'status':
      return { field: 'enabled', op, value };
  }
  if (SEARCHABLE_ATTRIBUTES.has(name) || (name.startsWith('custom:') && schemaNames(pool).has(name))) {
    return { field: 'attribute', name, op, value, caseInsensitive: true };
  }
  throw invalidSearchAttribute(name);
}

/** Filter string → store condition (undefined: no condition). Throws InvalidParameterException as Cognito does. */
export function userFilterOf(pool: PoolRecord, filter: string | undefined): UserFilter | undefined {
  const parsed = filter === undefined ? null : parseFilter(filter);
  return parsed ? toUserFilter(pool, parsed) : undefined;
}

/** Every attribute name the pool's schema has (standard, custom:…, dev:custom:…). */
function schemaNames(pool: PoolRecord): Set<string> {
  return new Set((poolSettings(pool).SchemaAttributes ?? []).map((a) => a.Name!));
}

/**
 * AttributesToGet as a set (null when absent: every attribute). Names must be attributes of the pool's schema.
 * An empty list shows users with no attributes (observed: aws-sdk-js#2570, #2203).
 */
export function attributesToGet(pool: PoolRecord, names: readonly string[] | undefined): Set<string> | null {
  if (names === undefined) return null;
  const known = schemaNames(pool);
  if (names.some((n) => !known.has(n))) throw new InvalidParameterException(ATTRIBUTES_DO_NOT_EXIST);
  return new Set(names);
}

/** The page size a Limit asks for. */
export function listUsersLimit(limit: number | undefined): number {
  return limit ? Math.min(limit, MAX_LIST_USERS_LIMIT) : MAX_LIST_USERS_LIMIT;
}

/** UserType as ListUsers and ListUsersInGroup show a user (as AdminCreateUser does), only the attributes in `only` when given. */
export function listedUser(user: UserRecord, only: Set<string> | null = null): UserType {
  const u = userType(user);
  return only ? { ...u, Attributes: u.Attributes!.filter((a) => only.has(a.Name)) } : u;
}
