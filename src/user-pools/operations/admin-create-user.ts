// AdminCreateUser: an administrator creates a FORCE_CHANGE_PASSWORD user with a temporary password and invites them
// (or, with MessageAction RESEND, sends an existing such user a new temporary password).
import { defineOperation } from '../../protocol/operation.ts';
import type { Deps } from '../../deps.ts';
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import { UnsupportedUserStateException, UsernameExistsException } from '../errors.ts';
import {
  ADMIN_MSG,
  adminUserAttributes,
  findUserForAdmin,
  generateTemporaryPassword,
  invitationTargets,
  sendInvitation,
  storePassword,
  userType,
} from '../domain/admin-users.ts';
import { checkPasswordPolicy, newCredentials } from '../domain/passwords.ts';
import { getPool } from '../domain/pools.ts';
import { checkUsernameAttributeFree, claimAlias, signUpName } from '../domain/sign-up.ts';
import { usernameKey } from '../domain/usernames.ts';
import type { AdminCreateUserRequest, AdminCreateUserResponse } from '../shapes.ts';
import { callerOf, type TriggerCaller } from '../triggers/common.ts';
import { preSignUpFor } from '../triggers/pre-sign-up.ts';

const userExists = () => new UsernameExistsException(ADMIN_MSG.userExists);

/** A temporary password: the one given (it must meet the pool's policy) or a generated one. */
function temporaryPassword(deps: Pick<Deps, 'random'>, pool: PoolRecord, given: string | undefined): string {
  if (given === undefined) return generateTemporaryPassword(deps, pool);
  checkPasswordPolicy(pool, given);
  return given;
}

export default defineOperation<AdminCreateUserRequest, AdminCreateUserResponse>({
  service: 'cognito-idp',
  name: 'AdminCreateUser',
  auth: 'sigv4',
  async handle(input, deps, ctx) {
    const { clock, random, store } = deps;
    const pool = await getPool(deps, input.UserPoolId);
    const caller = callerOf(ctx, null);
    if (input.MessageAction === 'RESEND') return resend(deps, pool, input, caller);

    // AllowAdminCreateUserOnly limits SignUp only.
    const sub = random.uuid();
    const name = signUpName(pool, input.Username, sub);
    const given = adminUserAttributes(pool, input.UserAttributes, name.implied);
    const password = temporaryPassword(deps, pool, input.TemporaryPassword);
    const targets = input.MessageAction === 'SUPPRESS' ? [] : invitationTargets(given, input.DesiredDeliveryMediums);
    await checkUsernameAttributeFree(deps, pool, name.implied);
    const key = usernameKey(pool, name.username);
    if (await store.users.get(pool.id, key)) throw userExists(); // before spending a password hash on it
    // PreSignUp_AdminCreateUser may refuse the user (nothing is stored) or verify their email / phone number; an
    // administrator's user always starts FORCE_CHANGE_PASSWORD, so autoConfirmUser changes nothing.
    const { attributes } = await preSignUpFor(deps, pool, 'PreSignUp_AdminCreateUser', name.username, caller, given, input);

    const now = clock.now();
    const user: UserRecord = {
      poolId: pool.id,
      username: name.username,
      usernameKey: key,
      sub,
      status: 'FORCE_CHANGE_PASSWORD',
      enabled: true,
      attributes,
      credentialsSealed: await newCredentials(deps, pool, name.username, password),
      mfa: {},
      passwordSetAt: now,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    // A verified email or phone number signs the user in: taken by another user → AliasExistsException, unless
    // ForceAliasCreation moves it here (API reference, ForceAliasCreation).
    for (const attr of ['email', 'phone_number'])
      if (attributes[attr] && attributes[`${attr}_verified`] === 'true')
        await claimAlias(deps, pool, user, attr, attributes[attr]!, input.ForceAliasCreation === true);
    if ((await store.users.create(user)) !== 'ok') throw userExists();

    await sendInvitation(deps, pool, targets, input.Username, password, {
      source: 'CustomMessage_AdminCreateUser',
      user,
      caller,
      clientMetadata: input.ClientMetadata,
    });
    return { User: userType(user) };
  },
});

/**
 * RESEND: "resend the invitation message to a user that already exists, and … reset the temporary-password duration
 * with a new temporary password" (API reference). Only a user still awaiting their first password qualifies
 * (UnsupportedUserStateException otherwise); an unknown one is UserNotFoundException. UserAttributes are not applied
 * (inferred: the call re-invites, AdminUpdateUserAttributes changes attributes).
 */
async function resend(deps: Deps, pool: PoolRecord, input: AdminCreateUserRequest, caller: TriggerCaller): Promise<AdminCreateUserResponse> {
  const user = await findUserForAdmin(deps, pool, input.Username);
  if (user.status !== 'FORCE_CHANGE_PASSWORD') throw new UnsupportedUserStateException(ADMIN_MSG.resendNotPossible(input.Username));
  const password = temporaryPassword(deps, pool, input.TemporaryPassword);
  const targets = invitationTargets(user.attributes, input.DesiredDeliveryMediums);
  // Not checked against the password history: the temporary password replaces only the previous temporary one
  // (PasswordHistoryPolicyViolationException is not an AdminCreateUser error).
  const sealed = await newCredentials(deps, pool, user.username, password);
  const updated = await storePassword(deps, pool, user, sealed, 'FORCE_CHANGE_PASSWORD');
  await sendInvitation(deps, pool, targets, input.Username, password, {
    source: 'CustomMessage_AdminCreateUser',
    user: updated,
    caller,
    clientMetadata: input.ClientMetadata,
  });
  return { User: userType(updated) };
}
