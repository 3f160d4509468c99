// rotate-keys: new signing keys for a pool; the old ones stay published until tokens they signed have expired.
import type { Deps } from '../deps.ts';
import { newPoolKeys } from '../tokens/keys.ts';

/** Longest token lifetime Cognito allows for ID/access tokens (1 day): old keys stay in the JWKS that long. */
const MAX_TOKEN_LIFETIME_MS = 24 * 3600 * 1000;

export async function rotateKeys(deps: Deps, poolId: string): Promise<string[]> {
  const pool = await deps.store.pools.get(poolId);
  if (!pool) throw new Error(`User pool ${poolId} does not exist.`);
  const now = deps.clock.now();
  const keys = await newPoolKeys({ random: deps.random, secrets: deps.secrets, now }, poolId);
  await deps.store.keys.rotate(poolId, keys, now + MAX_TOKEN_LIFETIME_MS);
  return keys.map((k) => k.kid);
}
