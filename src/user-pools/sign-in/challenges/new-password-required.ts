// NEW_PASSWORD_REQUIRED: a user with a temporary password (FORCE_CHANGE_PASSWORD) sets a new one and any required
// attributes, then the sign-in goes on to tokens.
import type { PoolRecord, UserRecord } from '../../../storage/records.ts';
import { AliasExistsException, InvalidParameterException, NotAuthorizedException } from '../../errors.ts';
import { checkClientWritable, newUserAttributes } from '../../domain/attributes.ts';
import { poolAttributes } from '../../domain/clients.ts';
import { clearFailedSignIns } from '../../domain/lockout.ts';
import { checkPasswordPolicy, newCredentials } from '../../domain/passwords.ts';
import { poolSettings } from '../../domain/pools.ts';
import { checkSecretHash, requireSecretHashPresent, secretHashNames } from '../../domain/secret-hash.ts';
import { claimAlias } from '../../domain/sign-up.ts';
import { isCaseInsensitive } from '../../domain/usernames.ts';
import type { RespondInput } from '../index.ts';
import { MSG, param, type AuthContext, type AuthDeps, type AuthOutput } from '../context.ts';
import { consumeState, openState, sealState } from '../session-state.ts';
import { assertUserMaySignIn, completeSignIn, userByInternalName } from '../steps.ts';
import { mfaChallengeFor } from '../mfa.ts';

/** The attributes shown in NEW_PASSWORD_REQUIRED's userAttributes: all but sub and developer-only ones. */
function visibleAttributes(user: UserRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(user.attributes)) if (!k.startsWith('dev:')) out[k] = v;
  return out;
}

/** The challenge, as afterPrimaryFactor asks it. */
export function newPasswordChallenge(deps: AuthDeps, ctx: AuthContext, user: UserRecord, given: string): AuthOutput {
  const { required } = poolAttributes(ctx.pool);
  const missing = [...required].filter((a) => !user.attributes[a]).map((a) => `userAttributes.${a}`);
  return {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session: sealState(deps, ctx, { username: user.username, given, challenge: 'NEW_PASSWORD_REQUIRED' }),
    ChallengeParameters: {
      USER_ID_FOR_SRP: user.username,
      requiredAttributes: JSON.stringify(missing),
      userAttributes: JSON.stringify(visibleAttributes(user)),
    },
  };
}

/** The answer: the new password (pool policy, history) and any required attributes; then on to tokens. */
export async function newPasswordRequired(deps: AuthDeps, ctx: AuthContext, input: RespondInput): Promise<AuthOutput> {
  const r = input.ChallengeResponses ?? {};
  const s = openState(deps, ctx, input.Session, 'NEW_PASSWORD_REQUIRED', MSG.sessionInvalid);
  const name = param(r, 'USERNAME');
  const password = param(r, 'NEW_PASSWORD');
  requireSecretHashPresent(deps, ctx.client, r.SECRET_HASH);
  let user = await userByInternalName(deps, ctx.pool, s.username);
  if (!user) throw new NotAuthorizedException(MSG.sessionInvalid);
  const names = secretHashNames(s.given, user);
  if (!names.includes(name)) throw new NotAuthorizedException(MSG.sessionInvalid);
  checkSecretHash(deps, ctx.client, r.SECRET_HASH, names);
  assertUserMaySignIn(user);
  if (user.status !== 'FORCE_CHANGE_PASSWORD') throw new NotAuthorizedException(MSG.sessionInvalid);

  const attributes = await applyChallengeAttributes(deps, ctx, user, r);
  checkPasswordPolicy(ctx.pool, password);
  const credentialsSealed = await newCredentials(deps, ctx.pool, user.username, password, user);
  await consumeState(deps, s);
  for (let attempt = 0; ; attempt++) {
    const now = deps.clock.now();
    const next: UserRecord = {
      ...user,
      attributes: { ...user.attributes, ...attributes },
      credentialsSealed,
      status: 'CONFIRMED',
      passwordSetAt: now,
      updatedAt: now,
      version: user.version + 1,
    };
    if (await deps.store.users.update(next)) {
      user = next;
      break;
    }
    // Another request changed the user meanwhile: apply to the fresh record if it still awaits a new password.
    const fresh = await userByInternalName(deps, ctx.pool, s.username);
    if (!fresh || fresh.status !== 'FORCE_CHANGE_PASSWORD' || attempt >= 3) throw new NotAuthorizedException(MSG.sessionInvalid);
    user = fresh;
  }
  await clearFailedSignIns(deps, ctx.pool.id, user.username);
  // With the new password set, the sign-in owes the pool's MFA as any other (§5.3 step 8).
  const mfa = await mfaChallengeFor(deps, ctx, user, s.given);
  if (mfa) return mfa;
  return completeSignIn(deps, ctx, user, 'TokenGeneration_NewPasswordChallenge');
}

const ATTR_PREFIX = 'userAttributes.';

/**
 * The `userAttributes.<name>` responses of NEW_PASSWORD_REQUIRED. Only attributes of the pool, never sub or
 * one that already has a value ("Cannot modify an already provided email" — observed, as NotAuthorizedException);
 * every required attribute must have a value afterwards ("Invalid attributes given, name is missing" — observed).
 * Otherwise checked as UpdateUserAttributes checks an app client's request (attribute-updates.ts): the client's
 * WriteAttributes and never the *_verified flags or developer-only attributes, the schema's constraints and the
 * email / phone formats; a new email / phone number is unverified, and must not be another user's verified alias
 * nor, in a UsernameAttributes pool, another user's value (AliasExistsException).
 */
async function applyChallengeAttributes(deps: AuthDeps, ctx: AuthContext, user: UserRecord, r: Record<string, string>): Promise<Record<string, string>> {
  const pool = ctx.pool;
  const { names, required } = poolAttributes(pool);
  const given: { Name: string; Value: string }[] = [];
  for (const [k, v] of Object.entries(r)) {
    if (!k.startsWith(ATTR_PREFIX)) continue;
    const attr = k.slice(ATTR_PREFIX.length);
    if (!names.has(attr) || attr === 'sub') throw new InvalidParameterException(`Attribute does not exist in the schema.`); // wording from UpdateUserAttributes (rep)
    given.push({ Name: attr, Value: v });
  }
  checkClientWritable(ctx.client, given.map((a) => a.Name));
  for (const { Name } of given) if (user.attributes[Name]) throw new NotAuthorizedException(`Cannot modify an already provided ${Name}`);
  // Values: as UpdateUserAttributes validates them (planAttributeChange → adminUserAttributes: SignUp's checks with
  // nothing required).
  const s = poolSettings(pool);
  const relaxed: PoolRecord = { ...pool, settings: { ...pool.settings, SchemaAttributes: s.SchemaAttributes.map((a) => ({ ...a, Required: false })) } };
  const out = newUserAttributes(relaxed, ctx.client, { given: given.filter((a) => a.Value !== '') });
  for (const a of required)
    if (!user.attributes[a] && !out[a]) throw new InvalidParameterException(`Invalid attributes given, ${a} is missing`);
  const usernameAttributes = (s.UsernameAttributes ?? []) as string[];
  for (const attr of ['email', 'phone_number'] as const) {
    const value = out[attr];
    if (value === undefined) continue;
    out[`${attr}_verified`] = 'false';
    await claimAlias(deps, pool, user, attr, value, false);
    if (usernameAttributes.includes(attr)) {
      const holders = await deps.store.users.findByAttribute(pool.id, attr, value, attr === 'email' || isCaseInsensitive(pool));
      if (holders.some((u) => u.usernameKey !== user.usernameKey)) throw new AliasExistsException(`An account with the ${attr} already exists.`);
    }
  }
  return out;
}
