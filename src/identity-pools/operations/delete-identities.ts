// DeleteIdentities: up to 60 (checked at the edge); ids that do not exist are no error, as Cognito's; an id whose
// delete fails is answered in UnprocessedIdentityIds.
import { defineOperation } from '../../protocol/operation.ts';
import type { DeleteIdentitiesInput, DeleteIdentitiesResponse, UnprocessedIdentityId } from '../shapes.ts';

export default defineOperation<DeleteIdentitiesInput, DeleteIdentitiesResponse>({
  service: 'cognito-identity',
  name: 'DeleteIdentities',
  async handle(input, deps) {
    const unprocessed: UnprocessedIdentityId[] = [];
    for (const id of new Set(input.IdentityIdsToDelete)) {
      try {
        await deps.store.identities.delete(id);
      } catch {
        unprocessed.push({ IdentityId: id, ErrorCode: 'InternalServerError' });
      }
    }
    return { UnprocessedIdentityIds: unprocessed };
  },
});
