// UnlinkIdentity: served unsigned; the request's Logins must be verified logins of the identity, which then loses
// its links to LoginsToRemove (a removed login maps to a new identity at its next GetId).
import { defineOperation } from '../../protocol/operation.ts';
import { NotAuthorizedException } from '../errors.ts';
import { getIdentity, verifyLogin } from '../identities.ts';
import { getIdentityPool } from '../pools.ts';
import type { UnlinkIdentityInput } from '../shapes.ts';

export default defineOperation<UnlinkIdentityInput, Record<string, never>>({
  service: 'cognito-identity',
  name: 'UnlinkIdentity',
  auth: 'none',
  async handle(input, deps) {
    const identity = await getIdentity(deps, input.IdentityId);
    const pool = await getIdentityPool(deps, identity.poolId);
    const logins = Object.entries(input.Logins);
    if (logins.length === 0) throw new NotAuthorizedException('Logins are required to unlink an identity.'); // wording ours
    for (const [key, token] of logins) {
      const { provider, sub } = await verifyLogin(deps, pool, key, token);
      if ((await deps.store.identities.linked(pool.id, provider, sub)) !== identity.id) {
        throw new NotAuthorizedException('Logins do not match the identity.'); // wording ours
      }
    }
    await deps.store.identities.unlink(identity.id, input.LoginsToRemove, deps.clock.now());
    return {};
  },
});
