// GetUserAttributeVerificationCode: a verification code to the signed-in user's email or phone number (or the new
// value awaiting verification).
import { defineOperation } from '../../protocol/operation.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import { InvalidParameterException } from '../errors.ts';
import { isVerifiable, sendAttributeCode, targetOf, verificationData, verifyPurpose } from '../domain/attribute-updates.ts';
import { rateLimit } from '../domain/codes.ts';
import { codeDeliveryDetails, deliveryFailure } from '../domain/messages.ts';
import { callerOf } from '../triggers/common.ts';
import type { GetUserAttributeVerificationCodeRequest, GetUserAttributeVerificationCodeResponse } from '../shapes.ts';

export default defineOperation<GetUserAttributeVerificationCodeRequest, GetUserAttributeVerificationCodeResponse>({
  service: 'cognito-idp',
  name: 'GetUserAttributeVerificationCode',
  async handle(input, deps, ctx) {
    const { pool, user, session } = await authenticateAccessToken(deps, input.AccessToken);
    const attr = input.AttributeName;
    // Only email and phone number are verified by code. Wording ours (Cognito's text was not found).
    if (!isVerifiable(attr)) throw new InvalidParameterException(`Attribute ${attr} cannot be verified.`);
    // 5 per user and hour (§9.3).
    await rateLimit(deps, 'getUserAttributeVerificationCode', pool.id, user.username);
    // A value awaiting verification (AttributesRequireVerificationBeforeUpdate) gets the code; else the current one.
    const waiting = verificationData(await deps.store.codes.get(pool.id, user.username, verifyPurpose(attr)));
    const pending = waiting?.pending === true;
    const value = pending ? waiting!.value : user.attributes[attr];
    // Wording ours: the user has no such attribute to verify.
    if (!value) throw new InvalidParameterException(`User has no attribute ${attr}.`);
    const target = targetOf(attr, value);
    const trigger = { source: 'CustomMessage_VerifyUserAttribute', user, caller: callerOf(ctx, session.clientId), clientMetadata: input.ClientMetadata } as const;
    if (!(await sendAttributeCode(deps, pool, user, target, pending, trigger))) throw deliveryFailure(target);
    return { CodeDeliveryDetails: codeDeliveryDetails(target) };
  },
});
