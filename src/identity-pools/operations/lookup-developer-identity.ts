// LookupDeveloperIdentity (SigV4): the identity of a developer user identifier, or the developer user identifiers of
// an identity (MaxResults 1–60 a page, checked at the edge), or — both given — that they belong together
// (ResourceConflictException otherwise), as the API reference describes.
import { defineOperation } from '../../protocol/operation.ts';
import { developerProvider, IDENTIFIER_LINKED_ELSEWHERE, IDENTIFIER_NOT_LINKED, identityOfPool } from '../developer.ts';
import { InvalidParameterException, ResourceConflictException, ResourceNotFoundException } from '../errors.ts';
import { getIdentityPool } from '../pools.ts';
import type { LookupDeveloperIdentityInput, LookupDeveloperIdentityResponse } from '../shapes.ts';

const DEFAULT_PAGE = 60;
// Wording ours: Cognito's texts were not found.
const BAD_TOKEN = 'Invalid pagination token.';

export default defineOperation<LookupDeveloperIdentityInput, LookupDeveloperIdentityResponse>({
  service: 'cognito-identity',
  name: 'LookupDeveloperIdentity',
  async handle(input, deps) {
    const pool = await getIdentityPool(deps, input.IdentityPoolId);
    if (input.IdentityId === undefined && input.DeveloperUserIdentifier === undefined)
      throw new InvalidParameterException('Either IdentityId or DeveloperUserIdentifier must be given.');
    const dev = developerProvider(pool);
    let identityId = input.IdentityId;
    if (identityId !== undefined) await identityOfPool(deps, pool, identityId);
    if (input.DeveloperUserIdentifier !== undefined) {
      const owner = await deps.store.identities.linked(pool.id, dev, input.DeveloperUserIdentifier);
      if (owner === null) throw new ResourceNotFoundException(IDENTIFIER_NOT_LINKED);
      if (identityId !== undefined && owner !== identityId)
        throw new ResourceConflictException(IDENTIFIER_LINKED_ELSEWHERE);
      // Given an identifier, the answer is it and its identity ("the same as the request" when both are given).
      return { IdentityId: owner, DeveloperUserIdentifierList: [input.DeveloperUserIdentifier] };
    }
    const all = (await deps.store.identities.loginsOf(identityId!)).filter((l) => l.provider === dev).map((l) => l.userId).sort();
    // NextToken: the last identifier of the previous page (the list is sorted, so `>` finds where to go on).
    let from = 0;
    if (input.NextToken !== undefined) {
      const after = Buffer.from(input.NextToken, 'base64url').toString('utf8');
      if (Buffer.from(after, 'utf8').toString('base64url') !== input.NextToken) throw new InvalidParameterException(BAD_TOKEN);
      from = all.findIndex((id) => id > after);
      if (from < 0) from = all.length;
    }
    const size = input.MaxResults ?? DEFAULT_PAGE;
    const page = all.slice(from, from + size);
    const more = from + size < all.length;
    return {
      IdentityId: identityId,
      DeveloperUserIdentifierList: page,
      ...(more ? { NextToken: Buffer.from(page[page.length - 1]!, 'utf8').toString('base64url') } : {}),
    };
  },
});
