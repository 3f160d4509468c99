// The shared steps of a sign-in (COGNITO-API §5.3), exported for every flow, challenge, the hosted UI and OAuth:
// status gates, checking a password, what follows the primary factor, completing with tokens.
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import {
  NotAuthorizedException,
  PasswordResetRequiredException,
  UserNotConfirmedException,
  UserNotFoundException,
} from '../errors.ts';
import { beginPasswordAttempt, beginUnknownNameAttempt, PASSWORD_ATTEMPTS_EXCEEDED, type PasswordAttempt, type SingleUse } from '../domain/lockout.ts';
import { openCredentials, passwordPolicyOf, temporaryPasswordExpiresAt } from '../domain/passwords.ts';
import { hidesUsers } from '../domain/clients.ts';
import { findUserBySignInName, signInNameKey } from '../domain/users.ts';
import { checkSecretHash, requireSecretHashPresent, secretHashNames } from '../domain/secret-hash.ts';
import { usernameKey } from '../domain/usernames.ts';
import { runPostAuthentication } from '../triggers/post-authentication.ts';
import { runPreAuthentication } from '../triggers/pre-authentication.ts';
import type { TokenGenerationSource } from '../triggers/pre-token-generation.ts';
import { MIGRATION_FAILED, migrateUser, runUserMigration } from '../triggers/user-migration.ts';
import { metadataFor, MSG, type AuthContext, type AuthDeps, type AuthOutput } from './context.ts';
import { issueTokens } from './issue-tokens.ts';
import { newPasswordChallenge } from './challenges/new-password-required.ts';
import { mfaChallengeFor } from './mfa.ts';
import { deviceSrpChallenge } from './challenges/device-srp.ts';
import { deviceNotFound, deviceSkipsMfa, findDevice, newDevice, tracksDevices } from '../domain/devices.ts';

/** Status gates (§5.3 step 4): disabled, UNCONFIRMED, RESET_REQUIRED. */
export function assertUserMaySignIn(user: UserRecord): void {
  if (!user.enabled) throw new NotAuthorizedException(MSG.disabled);
  if (user.status === 'UNCONFIRMED') throw new UserNotConfirmedException(MSG.notConfirmed);
  if (user.status === 'RESET_REQUIRED') throw new PasswordResetRequiredException(MSG.resetRequired);
}

/** Whether the status gates let the user through (assertUserMaySignIn would not throw). */
export function userMaySignIn(user: UserRecord): boolean {
  return user.enabled && user.status !== 'UNCONFIRMED' && user.status !== 'RESET_REQUIRED';
}

/** PreventUserExistenceErrors ENABLED: nothing may tell an existing user from an unknown one before the password. */
export function hidesUsersIn(ctx: AuthContext): boolean {
  return hidesUsers(ctx.client);
}

export async function userByInternalName(deps: AuthDeps, pool: PoolRecord, username: string): Promise<UserRecord | null> {
  return deps.store.users.get(pool.id, usernameKey(pool, username));
}

/**
 * The opening the username-first flows without a password in hand share (USER_SRP_AUTH, CUSTOM_AUTH): SECRET_HASH,
 * the user by sign-in name (LEGACY: an unknown one is UserNotFoundException at once), PreAuthentication, and the
 * status gates unless users are hidden (then they are told only after a correct proof). The user, or null where a
 * name nobody has goes on as a simulated one.
 */
export async function openUsernameFlow(deps: AuthDeps, ctx: AuthContext, params: Record<string, string>, name: string): Promise<UserRecord | null> {
  requireSecretHashPresent(deps, ctx.client, params.SECRET_HASH);
  const user = await findUserBySignInName(deps, ctx.pool, name);
  checkSecretHash(deps, ctx.client, params.SECRET_HASH, secretHashNames(name, user));
  if (!user && !hidesUsersIn(ctx)) {
    deps.metrics.signInFailure('unknown_user');
    throw new UserNotFoundException(MSG.userNotFound);
  }
  await preAuthentication(deps, ctx, user, name);
  if (user && !hidesUsersIn(ctx)) statusGate(deps, user);
  return user;
}

/**
 * An unknown sign-in name with a password: LEGACY says so; ENABLED runs PreAuthentication (userNotFound) and the
 * same lockout and password check as for a user (unknownPrimaryFactor), then answers like a wrong password.
 */
export async function unknownUser(deps: AuthDeps, ctx: AuthContext, name: string, password: string): Promise<never> {
  deps.metrics.signInFailure('unknown_user');
  if (!hidesUsersIn(ctx)) throw new UserNotFoundException(MSG.userNotFound);
  await preAuthentication(deps, ctx, null, name);
  return unknownPrimaryFactor(deps, ctx, name, () => deps.hashing.dummyVerify(password));
}

/**
 * Step 2 for a name the pool does not know, signing in with a password: the pool's UserMigration function
 * (UserMigration_Authentication) may know it in the old directory; its answer creates the user here with this
 * password, and the sign-in goes on as theirs. Null when there is no function or it did not know the name (with
 * users hidden, a function that threw counts as not knowing it).
 */
export async function migrateOnSignIn(deps: AuthDeps, ctx: AuthContext, name: string, password: string): Promise<UserRecord | null> {
  // amazon-cognito-identity-js sends its validationData as ClientMetadata: the event carries it as both (§5.3 step 3).
  const metadata = metadataFor(ctx, 'initiate');
  let answer;
  try {
    answer = await runUserMigration(deps, ctx.pool, {
      source: 'UserMigration_Authentication',
      userName: name,
      caller: ctx.caller,
      password,
      ...(metadata ? { validationData: metadata, clientMetadata: metadata } : {}),
    });
  } catch (e) {
    if (e instanceof UserNotFoundException && hidesUsersIn(ctx)) return null;
    throw e;
  }
  if (!answer) return null;
  try {
    return await migrateUser(deps, ctx.pool, name, answer, { password });
  } catch (e) {
    // An answer Cognate cannot store (attributes off the schema, a taken alias or username value) fails the
    // migration, in the error InitiateAuth declares — with users hidden, as an unknown name; the detail is logged.
    deps.logger.warn('user migration answer refused', { poolId: ctx.pool.id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    if (hidesUsersIn(ctx)) return null;
    throw new UserNotFoundException(MIGRATION_FAILED(ctx.client.id));
  }
}

/**
 * Step 3: the pool's PreAuthentication function, which may refuse the sign-in by throwing. With users hidden it runs
 * for a name nobody has too (userNotFound), so that its time does not tell them apart.
 */
export async function preAuthentication(deps: AuthDeps, ctx: AuthContext, user: UserRecord | null, given: string): Promise<void> {
  const metadata = metadataFor(ctx, 'initiate');
  await runPreAuthentication(deps, ctx.pool, { user, userName: given, caller: ctx.caller, ...(metadata ? { clientMetadata: metadata } : {}) });
}

/** Temporary passwords expire TemporaryPasswordValidityDays after they were set (0: no expiry — ours). */
export function temporaryPasswordExpired(pool: PoolRecord, user: UserRecord, now: number): boolean {
  const expiresAt = temporaryPasswordExpiresAt(pool, user.passwordSetAt ?? user.createdAt);
  return expiresAt !== null && now > expiresAt;
}

/**
 * Checks a user's password under the lockout (§5.7): the status gates first when users are not hidden, else only
 * after a correct password (a wrong one must not tell a disabled or unconfirmed user from an unknown one).
 * `check` proves the password (argon2id verify, or an SRP proof) and answers whether it holds; `use` is a challenge
 * state the attempt marks used in the same write. Returns the attempt, for afterPrimaryFactor to end: the session's
 * commit clears its count (one commit per sign-in), or it is cleared on its own where no session follows.
 */
export async function checkPrimaryFactor(
  deps: AuthDeps,
  ctx: AuthContext,
  user: UserRecord,
  check: () => Promise<boolean>,
  use?: SingleUse,
): Promise<PasswordAttempt> {
  const hides = hidesUsersIn(ctx);
  if (!hides) statusGate(deps, user);
  const attempt = await takeAttempt(deps, () => beginPasswordAttempt(deps, ctx.pool.id, user.username, use));
  if (!(await check())) {
    deps.metrics.signInFailure('password');
    throw new NotAuthorizedException(MSG.incorrect);
  }
  if (hides) {
    try {
      statusGate(deps, user);
    } catch (e) {
      await attempt.succeeded();
      throw e;
    }
  }
  return attempt;
}

/** Takes a password attempt, a refusal under the lockout counted as a failed sign-in. */
async function takeAttempt<T>(deps: AuthDeps, begin: () => Promise<T>): Promise<T> {
  try {
    return await begin();
  } catch (e) {
    if (e instanceof NotAuthorizedException && e.message === PASSWORD_ATTEMPTS_EXCEEDED) deps.metrics.signInFailure('locked_out');
    throw e;
  }
}

/** The status gates, a refusal counted as a failed sign-in. */
export function statusGate(deps: AuthDeps, user: UserRecord): void {
  try {
    assertUserMaySignIn(user);
  } catch (e) {
    deps.metrics.signInFailure('user_status');
    throw e;
  }
}

/**
 * checkPrimaryFactor for a name nobody has, with users hidden: what a wrong password costs a user, it costs the name
 * — the same lockout reads and writes, under the name as the sign-in lookup folds it (so an unknown name gets
 * "Password attempts exceeded" after as many failures, for as long), and the same proof work (`check`, against a
 * dummy of the same cost) — then "Incorrect username or password.". Neither the answers, the lockout nor the time
 * tell a name from a user's.
 */
export async function unknownPrimaryFactor(
  deps: AuthDeps,
  ctx: AuthContext,
  name: string,
  check: () => Promise<unknown>,
  use?: SingleUse,
): Promise<never> {
  await takeAttempt(deps, () => beginUnknownNameAttempt(deps, ctx.pool.id, signInNameKey(ctx.pool, name), use));
  await check();
  throw new NotAuthorizedException(MSG.incorrect);
}

/** A password against the user's stored argon2id hash (a dummy verify of the same cost when there is none). */
export async function passwordMatches(deps: AuthDeps, user: UserRecord, password: string): Promise<boolean> {
  const creds = openCredentials(deps, user);
  if (creds.passwordHash) return deps.hashing.verify(creds.passwordHash, password);
  await deps.hashing.dummyVerify(password);
  return false;
}

/**
 * The DEVICE_KEY of a sign-in (AuthParameters or ChallengeResponses), if the client sent one: it must be a device the
 * user confirmed, else ResourceNotFoundException "Device does not exist." (what clients look for to drop their key).
 * With users hidden a name nobody has gets the same answer, so that a device key does not tell users apart; a
 * LEGACY client is told the user does not exist instead (by the caller).
 */
export async function knownDevice(deps: AuthDeps, ctx: AuthContext, user: UserRecord | null, deviceKey: string | null | undefined): Promise<string | undefined> {
  if (deviceKey === undefined || deviceKey === null || deviceKey === '') return undefined;
  if (!user) {
    if (hidesUsersIn(ctx)) deviceNotFound();
    return undefined;
  }
  return (await findDevice(deps, ctx.pool, user, deviceKey)).deviceKey;
}

/**
 * What follows a correct primary factor (§5.3 steps 6–10): a temporary password must be replaced first
 * (NEW_PASSWORD_REQUIRED, see challenges/new-password-required.ts); then the MFA challenge the pool and user owe
 * (mfa.ts mfaChallengeFor); otherwise complete. The password `attempt`
 * ends with the session's commit; on any other way out it is cleared by itself.
 */
export async function afterPrimaryFactor(
  deps: AuthDeps,
  ctx: AuthContext,
  user: UserRecord,
  given: string,
  attempt: PasswordAttempt,
  deviceKey?: string,
): Promise<AuthOutput> {
  if (user.status === 'FORCE_CHANGE_PASSWORD') {
    await attempt.succeeded();
    if (temporaryPasswordExpired(ctx.pool, user, deps.clock.now())) throw new NotAuthorizedException(MSG.tempExpired);
    return newPasswordChallenge(deps, ctx, user, given);
  }
  // Remembered devices (§5.3 step 7): a remembered device, where ChallengeRequiredOnNewDevice is true, proves itself
  // by device SRP (challenges/device-srp.ts) and skips MFA. Any other confirmed device answers the MFA challenge
  // first, the device key carried in its state, and then proves itself by device SRP (amazon-cognito-identity-js and
  // Amplify answer DEVICE_SRP_AUTH after the MFA code; after DEVICE_PASSWORD_VERIFIER they expect tokens).
  if (deviceKey !== undefined && (await deviceSkipsMfa(deps, ctx.pool, user, deviceKey))) {
    await attempt.succeeded();
    return deviceSrpChallenge(deps, ctx, user, given, deviceKey);
  }
  try {
    const mfa = await mfaChallengeFor(deps, ctx, user, given, deviceKey);
    if (mfa) {
      await attempt.succeeded(); // the password was right; MFA tries count afresh
      return mfa;
    }
    if (deviceKey !== undefined) {
      await attempt.succeeded();
      return deviceSrpChallenge(deps, ctx, user, given, deviceKey);
    }
    return await completeSignIn(deps, ctx, user, 'TokenGeneration_Authentication', attempt.key);
  } catch (e) {
    await attempt.succeeded(); // the session (which clears it) may not have been stored
    throw e;
  }
}

/**
 * Steps 9–10 once every factor the sign-in owes is done (the MFA challenges in challenges/ call it after their code,
 * DEVICE_PASSWORD_VERIFIER with the device it proved).
 */
export async function completeSignIn(
  deps: AuthDeps,
  ctx: AuthContext,
  user: UserRecord,
  source: TokenGenerationSource = 'TokenGeneration_Authentication',
  clearLockout?: string,
  provedDevice?: string,
): Promise<AuthOutput> {
  // Remembered devices (§4.5, §5.3 step 10): a sign-in that proved a device carries its key into the access token;
  // any other sign-in in a pool that tracks devices gets a new device (NewDeviceMetadata) for the client to confirm.
  const created = provedDevice === undefined && tracksDevices(ctx.pool) ? await newDevice(deps, ctx.pool, user) : undefined;
  const deviceKey = provedDevice ?? created?.DeviceKey;
  // Step 9: PostAuthentication, then PreTokenGeneration; a throw from either means no tokens.
  const metadata = metadataFor(ctx, 'respond');
  await runPostAuthentication(deps, ctx.pool, {
    user,
    caller: ctx.caller,
    newDeviceUsed: created !== undefined,
    ...(metadata ? { clientMetadata: metadata } : {}),
  });
  const result = await issueTokens(deps, {
    pool: ctx.pool,
    client: ctx.client,
    user,
    trigger: { source, caller: ctx.caller, ...(metadata ? { clientMetadata: metadata } : {}) },
    ...(clearLockout !== undefined ? { clearLockout } : {}),
    ...(deviceKey !== undefined ? { deviceKey } : {}),
  });
  deps.metrics.signIn();
  // Cognito sends an empty ChallengeParameters map next to the tokens (§5.1).
  return { ChallengeParameters: {}, AuthenticationResult: { ...result, ...(created ? { NewDeviceMetadata: created } : {}) } };
}
