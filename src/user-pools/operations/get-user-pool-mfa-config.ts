// GetUserPoolMfaConfig: the pool's MFA mode and its SMS, TOTP, email and WebAuthn settings.
import { defineOperation } from '../../protocol/operation.ts';
import { mfaConfigOf } from '../domain/pool-mfa.ts';
import { getPool, poolSettings } from '../domain/pools.ts';
import type { GetUserPoolMfaConfigRequest, GetUserPoolMfaConfigResponse } from '../shapes.ts';

export default defineOperation<GetUserPoolMfaConfigRequest, GetUserPoolMfaConfigResponse>({
  service: 'cognito-idp',
  name: 'GetUserPoolMfaConfig',
  async handle(input, deps) {
    return mfaConfigOf(poolSettings(await getPool(deps, input.UserPoolId)));
  },
});
