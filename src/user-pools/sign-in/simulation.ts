// Simulated SRP challenges for names that are not users (PreventUserExistenceErrors ENABLED): stable salts and
// USER_ID_FOR_SRP derived from the name under a deployment-wide key, so nothing tells them from real users.
import { createHmac } from 'node:crypto';
import { uuidFromBytes } from '../../lib/uuid.ts';
import type { PoolRecord } from '../../storage/records.ts';
import { computeVerifier } from '../srp.ts';
import { srpPoolName } from '../domain/passwords.ts';
import { poolSettings } from '../domain/pools.ts';
import { usernameKey } from '../domain/usernames.ts';
import type { AuthDeps } from './context.ts';

/** The meta key of the per-deployment key for simulated SRP salts (sealed in the store, shared by every process). */
const SIMULATION_KEY = 'srp_simulation_key' as const;

/**
 * A PASSWORD_VERIFIER for a user who does not exist or has no SRP verifier: salt and verifier derived from the
 * name, so repeated attempts see the same SALT (Cognito's "simulated challenge"); B is fresh each time, as for
 * real users. The answer always fails with "Incorrect username or password.".
 */
export async function simulatedVerifier(deps: AuthDeps, pool: PoolRecord, name: string): Promise<{ saltHex: string; verifierHex: string }> {
  const key = await deps.storedKeys.get(SIMULATION_KEY);
  const derive = (what: string) => createHmac('sha256', key).update(`${what}\0${pool.id}\0${usernameKey(pool, name)}`).digest();
  return computeVerifier(srpPoolName(pool.id), name, derive('password').toString('base64'), derive('salt').subarray(0, 16));
}

/**
 * USER_ID_FOR_SRP for an unknown name in a pool whose users sign in with email / phone number (UsernameAttributes):
 * real users get their internal username (a UUID), so an unknown name gets a UUID too — derived from the name, so
 * repeated attempts see the same one — instead of the name echoed back, which would tell it is unknown.
 */
export async function simulatedUserId(deps: AuthDeps, pool: PoolRecord, name: string): Promise<string> {
  if (!(poolSettings(pool).UsernameAttributes ?? []).length) return name; // real users' ids are the names given
  const key = await deps.storedKeys.get(SIMULATION_KEY);
  // Emails match case-insensitively (users.ts), so the derived id does too.
  const folded = name.includes('@') ? name.toLowerCase() : usernameKey(pool, name);
  return uuidFromBytes(createHmac('sha256', key).update(`user-id\0${pool.id}\0${folded}`).digest());
}
