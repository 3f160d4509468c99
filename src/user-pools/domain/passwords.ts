// Passwords: the pool's policy with Cognito's messages, argon2id hashing, SRP verifiers, sealed credentials.
import type { Deps } from '../../deps.ts';
import type { PoolRecord, UserCredentials, UserRecord } from '../../storage/records.ts';
import { InvalidPasswordException, PasswordHistoryPolicyViolationException } from '../errors.ts';
import { computeVerifier } from '../srp.ts';
import { DEFAULT_PASSWORD_POLICY, type PoolSettings } from './pools.ts';

/** Cognito's special characters (docs: "Password requirements"); a space counts when not leading or trailing. */
const SYMBOLS = new Set('^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+-'.split(''));
const MAX_PASSWORD_LENGTH = 256;

const policyError = (why: string) => new InvalidPasswordException(`Password did not conform with policy: ${why}`);

export function passwordPolicyOf(pool: PoolRecord) {
  return { ...DEFAULT_PASSWORD_POLICY, ...pool.settings.Policies?.PasswordPolicy };
}

const DAY_MS = 86_400_000;

/**
 * When a temporary password set at `setAt` expires: TemporaryPasswordValidityDays (default 7) later; null for 0,
 * which Cognate takes as no expiry (ours).
 */
export function temporaryPasswordExpiresAt(pool: PoolRecord, setAt: number): number | null {
  const days = passwordPolicyOf(pool).TemporaryPasswordValidityDays ?? 7;
  return days ? setAt + days * DAY_MS : null;
}

/** Throws InvalidPasswordException as Cognito words it for the first rule the password breaks. */
export function checkPasswordPolicy(pool: PoolRecord, password: string): void {
  const p = passwordPolicyOf(pool);
  const chars = [...password];
  if (chars.length < (p.MinimumLength ?? 8)) throw policyError('Password not long enough');
  if (chars.length > MAX_PASSWORD_LENGTH) throw policyError('Password must have less than 256 characters'); // wording inferred
  if (p.RequireLowercase && !/[a-z]/.test(password)) throw policyError('Password must have lowercase characters');
  if (p.RequireUppercase && !/[A-Z]/.test(password)) throw policyError('Password must have uppercase characters');
  if (p.RequireNumbers && !/[0-9]/.test(password)) throw policyError('Password must have numeric characters');
  if (p.RequireSymbols && !chars.some((c, i) => SYMBOLS.has(c) || (c === ' ' && i > 0 && i < chars.length - 1)))
    throw policyError('Password must have symbol characters');
}

/** The SRP "pool name": the part of the pool id after '_'. */
export function srpPoolName(poolId: string): string {
  return poolId.slice(poolId.indexOf('_') + 1);
}

export function openCredentials(deps: Pick<Deps, 'secrets'>, user: UserRecord): UserCredentials {
  return user.credentialsSealed ? JSON.parse(deps.secrets.decryptString(user.credentialsSealed)) : {};
}

export function sealCredentials(deps: Pick<Deps, 'secrets'>, c: UserCredentials): string {
  return deps.secrets.encrypt(JSON.stringify(c));
}

/**
 * New credentials for `password`: argon2id hash, SRP salt and verifier over the internal username, and the
 * password history (PasswordHistorySize, checked here: reuse → PasswordHistoryPolicyViolationException).
 * Call checkPasswordPolicy first. Returns the sealed document to store in UserRecord.credentialsSealed.
 */
export async function newCredentials(
  deps: Pick<Deps, 'secrets' | 'random' | 'hashing'>,
  pool: PoolRecord,
  username: string,
  password: string,
  previous?: UserRecord,
): Promise<string> {
  const old = previous ? openCredentials(deps, previous) : {};
  const historySize = passwordPolicyOf(pool).PasswordHistorySize ?? 0;
  const earlier = [old.passwordHash, ...(old.history ?? [])].filter((h): h is string => !!h).slice(0, historySize);
  for (const h of earlier)
    if (await deps.hashing.verify(h, password))
      throw new PasswordHistoryPolicyViolationException('The password can not be a previously used password.'); // wording inferred
  const passwordHash = await deps.hashing.hash(password);
  const { saltHex, verifierHex } = computeVerifier(srpPoolName(pool.id), username, password, deps.random.bytes(16));
  const creds: UserCredentials = { ...old, passwordHash, srpSaltHex: saltHex, srpVerifierHex: verifierHex, history: earlier.slice(0, Math.max(0, historySize - 1)) };
  return sealCredentials(deps, creds);
}
