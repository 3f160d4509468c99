// Username rules: the lookup key (case folding per UsernameConfiguration) and which names sign a user in.
import type { PoolRecord } from '../../storage/records.ts';
import type { PoolSettings } from './pools.ts';

/** Case-insensitive pools look users up by the lower-cased name; CaseSensitive is true unless set false (API default). */
export function isCaseInsensitive(pool: PoolRecord): boolean {
  return pool.settings.UsernameConfiguration?.CaseSensitive === false;
}

export function usernameKey(pool: PoolRecord, username: string): string {
  return isCaseInsensitive(pool) ? username.toLowerCase() : username;
}
