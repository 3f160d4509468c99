// ResendConfirmationCode: a new sign-up code for an UNCONFIRMED user (the previous one stops working).
import { createHash } from 'node:crypto';
import { defineOperation } from '../../protocol/operation.ts';
import type { PoolRecord } from '../../storage/records.ts';
import { InvalidParameterException } from '../errors.ts';
import { isEmail, isPhoneNumber } from '../domain/attributes.ts';
import { CODE_TTL_MS, issueCode, rateLimit, SIGNUP_PURPOSE } from '../domain/codes.ts';
import { codeDeliveryDetails, deliveryFailure, maskDestination, sendVerificationCode, verificationTarget } from '../domain/messages.ts';
import { poolSettings } from '../domain/pools.ts';
import { publicClient, unknownUserForClient } from '../domain/sign-up.ts';
import { findUserBySignInName } from '../domain/users.ts';
import { callerOf } from '../triggers/common.ts';
import type { CodeDeliveryDetailsType, ResendConfirmationCodeRequest, ResendConfirmationCodeResponse } from '../shapes.ts';
import { checkSecretHash, secretHashNames } from '../domain/secret-hash.ts';
import { hidesUsers } from '../domain/clients.ts';

/**
 * What a client with PreventUserExistenceErrors ENABLED answers for an unknown user: a CodeDeliveryDetails like a
 * real one (§5.7), the same for the same name. A name that is an address is masked as itself; otherwise the masked
 * letters come from a hash of the name.
 */
function simulatedDelivery(pool: PoolRecord, username: string): CodeDeliveryDetailsType {
  const auto = poolSettings(pool).AutoVerifiedAttributes ?? [];
  const h = createHash('sha256').update(`${pool.id}\0${username}`).digest();
  const letter = (i: number) => String.fromCharCode(97 + (h[i]! % 26));
  const sms = isPhoneNumber(username) || (!isEmail(username) && auto.includes('phone_number') && !auto.includes('email'));
  if (sms) {
    const digits = isPhoneNumber(username) ? username : `+${[...h.subarray(0, 4)].map((b) => b % 10).join('')}`;
    return { Destination: maskDestination('SMS', digits), DeliveryMedium: 'SMS', AttributeName: 'phone_number' };
  }
  const email = isEmail(username) ? username : `${letter(0)}@${letter(1)}.com`;
  return { Destination: maskDestination('EMAIL', email), DeliveryMedium: 'EMAIL', AttributeName: 'email' };
}

export default defineOperation<ResendConfirmationCodeRequest, ResendConfirmationCodeResponse>({
  service: 'cognito-idp',
  name: 'ResendConfirmationCode',
  auth: 'none',
  async handle(input, deps, ctx) {
    const { client, pool } = await publicClient(deps, input.ClientId);
    const user = await findUserBySignInName(deps, pool, input.Username);
    checkSecretHash(deps, client, input.SecretHash, secretHashNames(input.Username, user));
    if (!user) {
      if (hidesUsers(client)) return { CodeDeliveryDetails: simulatedDelivery(pool, input.Username) };
      throw unknownUserForClient();
    }
    await rateLimit(deps, 'resendConfirmationCode', pool.id, user.username);
    // Observed: InvalidParameterException "User is already confirmed." (amplify-ui#219, amplify-js#13220).
    if (user.status !== 'UNCONFIRMED') throw new InvalidParameterException('User is already confirmed.');
    const target = verificationTarget(pool, user.attributes);
    // Reported wording when the pool verifies no attribute the user has.
    if (!target) throw new InvalidParameterException('Cannot resend codes. Auto verification not turned on.');
    const code = await issueCode(deps, {
      poolId: pool.id,
      username: user.username,
      purpose: SIGNUP_PURPOSE,
      ttlMs: CODE_TTL_MS.signup,
      data: { attribute: target.attribute, value: target.to },
    });
    const sent = await sendVerificationCode(deps, pool, target, code, {
      source: 'CustomMessage_ResendCode',
      user,
      caller: callerOf(ctx, client.id),
      clientMetadata: input.ClientMetadata,
    });
    if (sent.error) throw deliveryFailure(target);
    return { CodeDeliveryDetails: codeDeliveryDetails(target) };
  },
});
