// VerifyUserAttribute: the code sent to an email or phone number marks it verified (applying a value awaiting verification).
import { defineOperation } from '../../protocol/operation.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import { CodeMismatchException } from '../errors.ts';
import { isVerifiable, markVerified, verificationData, verifyPurpose } from '../domain/attribute-updates.ts';
import { MSG_CODE_MISMATCH, rateLimit, useCode, verifyCode } from '../domain/codes.ts';
import type { VerifyUserAttributeRequest, VerifyUserAttributeResponse } from '../shapes.ts';

export default defineOperation<VerifyUserAttributeRequest, VerifyUserAttributeResponse>({
  service: 'cognito-idp',
  name: 'VerifyUserAttribute',
  async handle(input, deps) {
    const { pool, user } = await authenticateAccessToken(deps, input.AccessToken);
    // 15 per user and hour (§9.3).
    await rateLimit(deps, 'verifyUserAttribute', pool.id, user.username);
    const attr = input.AttributeName;
    // Only email and phone number get codes: any other name has none to match (inferred).
    if (!isVerifiable(attr)) throw new CodeMismatchException(MSG_CODE_MISMATCH);
    const ref = { poolId: pool.id, username: user.username, purpose: verifyPurpose(attr) };
    const data = verificationData(await verifyCode(deps, { ...ref, code: input.Code }));
    // A code for a value the user no longer has (changed again since) verifies nothing.
    if (!data) throw new CodeMismatchException(MSG_CODE_MISMATCH);
    // AliasExistsException leaves the code unspent.
    const verified = await markVerified(deps, pool, user, attr, data);
    if (!verified) throw new CodeMismatchException(MSG_CODE_MISMATCH);
    await useCode(deps, ref.poolId, ref.username, ref.purpose);
    return {};
  },
});
