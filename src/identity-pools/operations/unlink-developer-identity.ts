// UnlinkDeveloperIdentity (SigV4): the identity loses that developer user identifier, which maps to a new identity the
// next time it is seen (API reference).
import { defineOperation } from '../../protocol/operation.ts';
import { developerProvider, IDENTIFIER_LINKED_ELSEWHERE, IDENTIFIER_NOT_LINKED, identityOfPool } from '../developer.ts';
import { ResourceConflictException, ResourceNotFoundException } from '../errors.ts';
import { getIdentityPool } from '../pools.ts';
import type { UnlinkDeveloperIdentityInput } from '../shapes.ts';

export default defineOperation<UnlinkDeveloperIdentityInput, Record<string, never>>({
  service: 'cognito-identity',
  name: 'UnlinkDeveloperIdentity',
  async handle(input, deps) {
    const pool = await getIdentityPool(deps, input.IdentityPoolId);
    const identity = await identityOfPool(deps, pool, input.IdentityId);
    const dev = developerProvider(pool, input.DeveloperProviderName);
    const owner = await deps.store.identities.linked(pool.id, dev, input.DeveloperUserIdentifier);
    if (owner === null) throw new ResourceNotFoundException(IDENTIFIER_NOT_LINKED);
    if (owner !== identity.id) throw new ResourceConflictException(IDENTIFIER_LINKED_ELSEWHERE);
    await deps.store.identities.unlinkLogin(identity.id, dev, input.DeveloperUserIdentifier, deps.clock.now());
    return {};
  },
});
