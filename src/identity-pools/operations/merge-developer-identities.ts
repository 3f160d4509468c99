// MergeDeveloperIdentities (SigV4): the identity of the source developer user gives all its logins to the identity of
// the destination developer user and is deleted; refused (ResourceConflictException) when both have the same other
// provider as two different users, or would have more than 20 logins together (API reference).
import { defineOperation } from '../../protocol/operation.ts';
import { developerProvider } from '../developer.ts';
import { ResourceConflictException, ResourceNotFoundException } from '../errors.ts';
import { getIdentityPool } from '../pools.ts';
import type { MergeDeveloperIdentitiesInput, MergeDeveloperIdentitiesResponse } from '../shapes.ts';

/** Linked logins of the two identities together, at most (API reference). */
const MAX_LOGINS = 20;

export default defineOperation<MergeDeveloperIdentitiesInput, MergeDeveloperIdentitiesResponse>({
  service: 'cognito-identity',
  name: 'MergeDeveloperIdentities',
  async handle(input, deps) {
    const pool = await getIdentityPool(deps, input.IdentityPoolId);
    const dev = developerProvider(pool, input.DeveloperProviderName);
    const ids = deps.store.identities;
    const [source, destination] = [await ids.linked(pool.id, dev, input.SourceUserIdentifier), await ids.linked(pool.id, dev, input.DestinationUserIdentifier)];
    // Wording ours: Cognito's texts for these were not found.
    if (source === null) throw new ResourceNotFoundException('The source developer user identifier is not linked to an identity.');
    if (destination === null) throw new ResourceNotFoundException('The destination developer user identifier is not linked to an identity.');
    if (source === destination) return { IdentityId: destination };
    const [from, to] = [await ids.loginsOf(source), await ids.loginsOf(destination)];
    if (from.some((a) => a.provider !== dev && to.some((b) => b.provider === a.provider && b.userId !== a.userId)))
      throw new ResourceConflictException('The identities have logins of the same provider for different users.');
    if (from.length + to.length > MAX_LOGINS) throw new ResourceConflictException(`The identities together would have more than ${MAX_LOGINS} linked logins.`);
    if (!(await ids.merge(source, destination, deps.clock.now()))) throw new ResourceConflictException('The identities changed during the merge; retry.');
    return { IdentityId: destination };
  },
});
