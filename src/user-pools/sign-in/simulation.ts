// Simulated SRP challenges for names that are not users (PreventUserExistenceErrors ENABLED): stable salts and
// USER_ID_FOR_SRP derived from the name under a deployment-wide key, so nothing tells them from real users.
import { createHmac } from 'node:crypto';
import { uuidFromBytes } from '../../lib/uuid.ts';
import type { PoolRecord } from '../../storage/records.ts';
import { verifierFromSeed } from '../srp.ts';
import { isEmail, isPhoneNumber } from '../domain/attributes.ts';
import { poolSettings } from '../domain/pools.ts';
import { maskDestination } from '../domain/messages.ts';
import { signInNameKey } from '../domain/users.ts';
import { usernameKey } from '../domain/usernames.ts';
import type { AuthDeps } from './context.ts';

/** The meta key of the per-deployment key for simulated SRP salts (sealed in the store, shared by every process). */
const SIMULATION_KEY = 'srp_simulation_key' as const;

/**
 * A PASSWORD_VERIFIER for a user who does not exist or has no SRP verifier, for the USER_ID_FOR_SRP it was given:
 * salt and verifier derived from it, so repeated attempts see the same SALT (Cognito's "simulated challenge"); B is
 * fresh each time, as for real users. The verifier costs no exponentiation (a real user's is stored), so the
 * simulated challenge takes the time of a real one; the answer always fails with "Incorrect username or password.".
 */
export async function simulatedVerifier(deps: AuthDeps, pool: PoolRecord, userId: string): Promise<{ saltHex: string; verifierHex: string }> {
  const key = await deps.storedKeys.get(SIMULATION_KEY);
  const derive = (what: string) => createHmac('sha256', key).update(`${what}\0${pool.id}\0${usernameKey(pool, userId)}`).digest();
  return verifierFromSeed(derive('verifier'), derive('salt').subarray(0, 16));
}

/**
 * USER_ID_FOR_SRP for a name nobody has. A user's is their internal username (measured on AWS, COGNITO-API §4.3),
 * whichever name they signed in with, so an unknown name must answer what a user's username could be:
 * - a name a username can never be — an email or phone number where the pool signs in with those (UsernameAttributes:
 *   usernames are UUIDs; AliasAttributes: usernames may not look like an email or phone number) — gets a UUID derived
 *   from the name as the sign-in lookup folds it, so every spelling and attempt sees the same one, as for a user;
 * - any other name answers as a username does, itself as the pool keys it (NFC; lower case in case-insensitive
 *   pools), not in the caller's spelling, which a user's stored username would not echo.
 * A real alias still answers its user's username, as on AWS (the client signs with it); in alias pools whose
 * usernames are not UUIDs that form differs from the derived one, which only usernames that are UUIDs avoid.
 */
export async function simulatedUserId(deps: AuthDeps, pool: PoolRecord, name: string): Promise<string> {
  if (!signsInWithAttributeForm(pool, name)) return usernameKey(pool, name);
  const key = await deps.storedKeys.get(SIMULATION_KEY);
  return uuidFromBytes(createHmac('sha256', key).update(`user-id\0${pool.id}\0${signInNameKey(pool, name)}`).digest());
}

/** Whether `name` is an email or phone number that the pool signs in with (as a username attribute or an alias). */
function signsInWithAttributeForm(pool: PoolRecord, name: string): boolean {
  const s = poolSettings(pool);
  const by = [...(s.UsernameAttributes ?? []), ...(s.AliasAttributes ?? [])];
  return (by.includes('email') && isEmail(name)) || (by.includes('phone_number') && isPhoneNumber(name));
}

/**
 * The masked destination of a one-time code simulated for a name nobody has (USER_AUTH EMAIL_OTP / SMS_OTP with users
 * hidden): the name itself when it is of that form (a user signing in with it would be sent the code there), else
 * letters or digits derived from the name under the deployment key, the same each time, as a user's address is.
 */
export async function simulatedDestination(deps: AuthDeps, pool: PoolRecord, name: string, medium: 'EMAIL' | 'SMS'): Promise<string> {
  if (medium === 'EMAIL' ? isEmail(name) : isPhoneNumber(name)) return maskDestination(medium, name);
  const key = await deps.storedKeys.get(SIMULATION_KEY);
  const d = createHmac('sha256', key).update(`destination\0${medium}\0${pool.id}\0${signInNameKey(pool, name)}`).digest();
  const letter = (i: number) => 'abcdefghijklmnopqrstuvwxyz'[d[i]! % 26]!;
  if (medium === 'EMAIL') return maskDestination('EMAIL', `${letter(0)}@${letter(1)}.com`);
  return maskDestination('SMS', `+1555${[2, 3, 4, 5, 6, 7, 8].map((i) => d[i]! % 10).join('')}`);
}
