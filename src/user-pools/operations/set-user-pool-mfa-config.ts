// SetUserPoolMfaConfig: sets the pool's MFA mode and factors (the mode DescribeUserPool shows is the same setting).
import { defineOperation } from '../../protocol/operation.ts';
import { ConcurrentModificationException } from '../errors.ts';
import { applyMfaConfig, checkFirstFactorsUnderMfa, mfaConfigOf } from '../domain/pool-mfa.ts';
import { getPool, poolSettings } from '../domain/pools.ts';
import type { SetUserPoolMfaConfigRequest, SetUserPoolMfaConfigResponse } from '../shapes.ts';

export default defineOperation<SetUserPoolMfaConfigRequest, SetUserPoolMfaConfigResponse>({
  service: 'cognito-idp',
  name: 'SetUserPoolMfaConfig',
  async handle(input, deps) {
    const { UserPoolId, ...request } = input;
    const pool = await getPool(deps, UserPoolId);
    const current = poolSettings(pool);
    const settings = { ...current, ...applyMfaConfig(current, request) };
    checkFirstFactorsUnderMfa(settings.MfaConfiguration, current.Policies?.SignInPolicy?.AllowedFirstAuthFactors);
    const ok = await deps.store.pools.update({ ...pool, settings: { ...settings }, updatedAt: deps.clock.now(), version: pool.version + 1 });
    // Wording ours: another request changed the pool between our read and our write.
    if (!ok) throw new ConcurrentModificationException('The user pool was modified by another request; retry.');
    return mfaConfigOf(settings);
  },
});
