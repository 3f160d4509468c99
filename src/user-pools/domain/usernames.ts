// Username rules: the lookup key (NFC, case folding per UsernameConfiguration) and which names sign a user in.
import type { PoolRecord } from '../../storage/records.ts';
import type { PoolSettings } from './pools.ts';

/** Case-insensitive pools look users up by the lower-cased name; CaseSensitive is true unless set false (API default). */
export function isCaseInsensitive(pool: PoolRecord): boolean {
  return pool.settings.UsernameConfiguration?.CaseSensitive === false;
}

/**
 * The lookup key of a username: its NFC form (so that the composed and decomposed spellings of one name, which look
 * alike and which input methods produce either of, are one user, not two), lower-cased in case-insensitive pools.
 * The user keeps the name as created.
 */
export function usernameKey(pool: PoolRecord, username: string): string {
  const nfc = username.normalize('NFC');
  return isCaseInsensitive(pool) ? nfc.toLowerCase() : nfc;
}
