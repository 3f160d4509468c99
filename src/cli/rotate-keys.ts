// rotate-keys: new signing keys for a pool; the old ones stay published until tokens they signed have expired, or,
// revoked, retire at once.
import type { Deps } from '../deps.ts';
import { newPoolKeys } from '../tokens/keys.ts';

/** Longest token lifetime Cognito allows for ID/access tokens (1 day): old keys stay in the JWKS that long. */
const MAX_TOKEN_LIFETIME_MS = 24 * 3600 * 1000;

export interface RotateOptions {
  /**
   * Retire the old keys now (a compromised key): the JWKS drops them at once and tokens they signed are refused —
   * by every server sharing the database within KEY_RECHECK_MS (tokens/verify.ts). Sessions live on: their refresh
   * tokens get tokens signed by the new keys.
   */
  revoke?: boolean;
}

/** Adds new ID and access keys to the pool and retires its others (in a day, or now with `revoke`); the new kids. */
export async function rotateKeys(deps: Deps, poolId: string, opts: RotateOptions = {}): Promise<string[]> {
  const pool = await deps.store.pools.get(poolId);
  if (!pool) throw new Error(`User pool ${poolId} does not exist.`);
  const now = deps.clock.now();
  const keys = await newPoolKeys({ random: deps.random, secrets: deps.secrets, now }, poolId);
  await deps.store.keys.rotate(poolId, keys, opts.revoke ? now : now + MAX_TOKEN_LIFETIME_MS);
  return keys.map((k) => k.kid);
}
