// SignUp: a new UNCONFIRMED user through a public app client; a confirmation code goes to an auto-verified attribute.
import { defineOperation } from '../../protocol/operation.ts';
import type { UserRecord } from '../../storage/records.ts';
import { NotAuthorizedException } from '../errors.ts';
import { newUserAttributes } from '../domain/attributes.ts';
import { CODE_TTL_MS, issueCode, SIGNUP_PURPOSE } from '../domain/codes.ts';
import { codeDeliveryDetails, deliveryFailure, sendVerificationCode, verificationTarget } from '../domain/messages.ts';
import { checkPasswordPolicy, newCredentials } from '../domain/passwords.ts';
import { poolSettings } from '../domain/pools.ts';
import { checkUsernameAttributeFree, claimAlias, publicClient, signsUpWithoutPassword, signUpName, usernameExists } from '../domain/sign-up.ts';
import { callerOf } from '../triggers/common.ts';
import { preSignUpFor } from '../triggers/pre-sign-up.ts';
import { usernameKey } from '../domain/usernames.ts';
import type { SignUpRequest, SignUpResponse } from '../shapes.ts';
import { checkSecretHash } from '../domain/secret-hash.ts';
import { signUpSession } from '../sign-in/sign-up-session.ts';

export default defineOperation<SignUpRequest, SignUpResponse>({
  service: 'cognito-idp',
  name: 'SignUp',
  auth: 'none',
  async handle(input, deps, ctx) {
    const { clock, random, store } = deps;
    const { client, pool } = await publicClient(deps, input.ClientId);
    checkSecretHash(deps, client, input.SecretHash, [input.Username]);
    // Reported wording for pools where only administrators create users.
    if (poolSettings(pool).AdminCreateUserConfig?.AllowAdminCreateUserOnly)
      throw new NotAuthorizedException('SignUp is not permitted for this user pool');
    const sub = random.uuid();
    const name = signUpName(pool, input.Username, sub);
    const given = newUserAttributes(pool, client, { given: input.UserAttributes, implied: name.implied });
    // A password is required, except for passwordless sign-up where the pool, the client and the user's attributes
    // allow it (domain/sign-up.ts signsUpWithoutPassword).
    const passwordless = signsUpWithoutPassword(pool, client, input.Password, given);
    const password = passwordless ? undefined : input.Password!;
    if (password !== undefined) checkPasswordPolicy(pool, password);
    await checkUsernameAttributeFree(deps, pool, name.implied);
    const key = usernameKey(pool, name.username);
    if (await store.users.get(pool.id, key)) throw usernameExists(); // before spending a password hash on it
    // The PreSignUp function may refuse the user (nothing is stored) or confirm and verify them.
    const caller = callerOf(ctx, client.id);
    const pre = await preSignUpFor(deps, pool, 'PreSignUp_SignUp', name.username, caller, given, input);
    const { attributes } = pre;
    const confirmed = pre.autoConfirmUser;

    const now = clock.now();
    const user: UserRecord = {
      poolId: pool.id,
      username: name.username,
      usernameKey: key,
      sub,
      status: confirmed ? 'CONFIRMED' : 'UNCONFIRMED',
      enabled: true,
      attributes,
      credentialsSealed: password === undefined ? null : await newCredentials(deps, pool, name.username, password),
      mfa: {},
      passwordSetAt: passwordless ? null : now,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    for (const attr of ['email', 'phone_number'])
      if (attributes[attr] && attributes[`${attr}_verified`] === 'true') await claimAlias(deps, pool, user, attr, attributes[attr]!, false);
    if ((await store.users.create(user)) !== 'ok') throw usernameExists();
    // An auto-confirmed user gets no confirmation code (developer guide, pre sign-up trigger).
    if (confirmed) return { UserConfirmed: true, UserSub: sub };

    const target = verificationTarget(pool, attributes);
    if (!target) return { UserConfirmed: false, UserSub: sub };
    const code = await issueCode(deps, {
      poolId: pool.id,
      username: user.username,
      purpose: SIGNUP_PURPOSE,
      ttlMs: CODE_TTL_MS.signup,
      data: { attribute: target.attribute, value: target.to },
    });
    const sent = await sendVerificationCode(deps, pool, target, code, {
      source: 'CustomMessage_SignUp',
      user,
      caller,
      clientMetadata: input.ClientMetadata,
    });
    // Like AdminCreateUser (aws/aws-sdk#438), the user stays when the code could not be sent: ResendConfirmationCode
    // sends another.
    if (sent.error) throw deliveryFailure(target);
    // The Session names the new user for ConfirmSignUp, whose own Session signs them in (sign-in/sign-up-session.ts).
    return { UserConfirmed: false, CodeDeliveryDetails: codeDeliveryDetails(target), UserSub: sub, Session: signUpSession(deps, { pool, client }, user) };
  },
});
