// ConfirmSignUp: the code a new user received makes them CONFIRMED and marks the attribute it went to verified.
import { defineOperation } from '../../protocol/operation.ts';
import { CodeMismatchException } from '../errors.ts';
import { MSG_CODE_MISMATCH, rateLimit, SIGNUP_PURPOSE, useCode, verifyCode } from '../domain/codes.ts';
import { cannotConfirm, claimAlias, confirmUser, publicClient, unknownUserForClient } from '../domain/sign-up.ts';
import { findUserBySignInName } from '../domain/users.ts';
import { callerOf } from '../triggers/common.ts';
import { runPostConfirmation } from '../triggers/post-confirmation.ts';
import type { ConfirmSignUpRequest, ConfirmSignUpResponse } from '../shapes.ts';
import { checkSecretHash, secretHashNames } from '../domain/secret-hash.ts';
import { hidesUsers } from '../domain/clients.ts';
import { checkSignUpSession, confirmedSession } from '../sign-in/sign-up-session.ts';

export default defineOperation<ConfirmSignUpRequest, ConfirmSignUpResponse>({
  service: 'cognito-idp',
  name: 'ConfirmSignUp',
  auth: 'none',
  async handle(input, deps, ctx) {
    const { client, pool } = await publicClient(deps, input.ClientId);
    const user = await findUserBySignInName(deps, pool, input.Username);
    checkSecretHash(deps, client, input.SecretHash, secretHashNames(input.Username, user));
    // With PreventUserExistenceErrors ENABLED an unknown user looks like a wrong code (COGNITO-API.md §5.7).
    if (!user) throw hidesUsers(client) ? new CodeMismatchException(MSG_CODE_MISMATCH) : unknownUserForClient();
    await rateLimit(deps, 'confirmSignUp', pool.id, user.username);
    if (user.status !== 'UNCONFIRMED') throw cannotConfirm(user.status);
    checkSignUpSession(deps, { pool, client }, input.Session, user);

    const code = { poolId: pool.id, username: user.username, purpose: SIGNUP_PURPOSE };
    const record = await verifyCode(deps, { ...code, code: input.ConfirmationCode });
    // The attribute the code went to is verified, if it still holds the value the code was sent to.
    const attr = typeof record.data.attribute === 'string' ? record.data.attribute : undefined;
    const value = typeof record.data.value === 'string' ? record.data.value : undefined;
    const verified = attr && value !== undefined && user.attributes[attr] === value ? attr : undefined;
    // Checked before the code is used up, so the same code can be sent again with ForceAliasCreation.
    if (verified) await claimAlias(deps, pool, user, verified, value!, input.ForceAliasCreation === true);
    await useCode(deps, code.poolId, code.username, code.purpose);
    const confirmed = await confirmUser(deps, pool, user, verified);
    // Cognito confirms, then tells the PostConfirmation function; its failure fails the call, the user stays confirmed.
    await runPostConfirmation(deps, pool, confirmed, 'PostConfirmation_ConfirmSignUp', callerOf(ctx, client.id), input.ClientMetadata);
    // The code stands as the first factor of one USER_AUTH sign-in with this Session (sign-in/sign-up-session.ts).
    const medium = attr === 'phone_number' ? 'SMS' : 'EMAIL';
    return { Session: confirmedSession(deps, { pool, client }, confirmed, medium) };
  },
});
