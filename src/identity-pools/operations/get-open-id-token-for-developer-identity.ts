// GetOpenIdTokenForDeveloperIdentity (SigV4, a backend's call): the identity linked to the pool's developer provider
// and the developer user identifier — found, made, or the given IdentityId, which the login is then linked to — and an
// OpenID token for it lasting TokenDuration (default 15 minutes). Other logins in the map are verified as GetId's and
// linked too. PrincipalTags become the token's session tags (its `https://aws.amazon.com/tags` claim), which STS
// AssumeRoleWithWebIdentity reads, and GetCredentialsForIdentity / GetOpenIdToken carry on when the token is their login
// cognito-identity.amazonaws.com (API reference: "Use this operation to configure attribute mappings for custom providers").
import { defineOperation } from '../../protocol/operation.ts';
import { COGNITO_TOKEN_REFUSED, DEFAULT_TOKEN_SECONDS, developerAmr, developerLogin, identityOfPool } from '../developer.ts';
import { DeveloperUserAlreadyRegisteredException, NotAuthorizedException, ResourceConflictException } from '../errors.ts';
import { differentUsers, newIdentity, verifyLogin } from '../identities.ts';
import { mintOpenIdToken } from '../openid.ts';
import { getIdentityPool, identityPoolArn } from '../pools.ts';
import { developerPrincipalTags } from '../principal-tags.ts';
import type { GetOpenIdTokenForDeveloperIdentityInput, GetOpenIdTokenForDeveloperIdentityResponse } from '../shapes.ts';

const LOGINS_MISMATCH = "Logins don't match. Please include at least one valid login for this identity or identity pool.";
// Wording ours: Cognito's texts for these conflicts were not found.
const ALREADY_REGISTERED = 'The developer user identifier is already registered with a different identity.';
const CONFLICT = 'A login of the request is already linked to a different identity.';

export default defineOperation<GetOpenIdTokenForDeveloperIdentityInput, GetOpenIdTokenForDeveloperIdentityResponse>({
  service: 'cognito-identity',
  name: 'GetOpenIdTokenForDeveloperIdentity',
  async handle(input, deps) {
    const pool = await getIdentityPool(deps, input.IdentityPoolId);
    const { dev, userId } = developerLogin(pool, input.Logins);
    const tags = developerPrincipalTags(input.PrincipalTags);
    const others: { provider: string; userId: string; owner: string | null }[] = [];
    for (const [provider, token] of Object.entries(input.Logins)) {
      if (provider === dev) continue;
      const login = await verifyLogin(deps, pool, provider, token);
      if (login.identityId !== undefined) throw new NotAuthorizedException(COGNITO_TOKEN_REFUSED);
      others.push({ provider: login.provider, userId: login.sub, owner: await deps.store.identities.linked(pool.id, login.provider, login.sub) });
    }
    // Two users of one provider (a user pool under its two names) would both be linked by linkTo below.
    const twice = others.find((l, i) => others.some((o, j) => j < i && o.provider === l.provider && o.userId !== l.userId));
    if (twice) throw differentUsers(twice.provider);
    const devOwner = await deps.store.identities.linked(pool.id, dev, userId);

    let identityId: string;
    if (input.IdentityId !== undefined) {
      const identity = await identityOfPool(deps, pool, input.IdentityId);
      if (devOwner !== null && devOwner !== identity.id) throw new DeveloperUserAlreadyRegisteredException(ALREADY_REGISTERED);
      if (others.some((o) => o.owner !== null && o.owner !== identity.id)) throw new ResourceConflictException(CONFLICT);
      // An identity with logins is only linked further by a request that carries one of them (aws/aws-sdk-js#2327).
      if (identity.logins.length > 0 && devOwner !== identity.id && !others.some((o) => o.owner === identity.id))
        throw new NotAuthorizedException(LOGINS_MISMATCH);
      identityId = identity.id;
    } else {
      const owners = new Set([devOwner, ...others.map((o) => o.owner)].filter((o): o is string => o !== null));
      if (owners.size > 1) throw new ResourceConflictException(CONFLICT);
      identityId = [...owners][0] ?? (await deps.store.identities.forLogin(newIdentity(deps, pool), dev, userId)).id;
    }
    const now = deps.clock.now();
    for (const l of [{ provider: dev, userId }, ...others]) {
      const linked = await deps.store.identities.linkTo(identityId, l.provider, l.userId, now);
      // Another request linked the login (or removed the identity) in between.
      if (linked !== identityId) throw new ResourceConflictException(CONFLICT);
    }
    const Token = await mintOpenIdToken(deps, {
      identityId,
      identityPoolId: pool.id,
      identityPoolArn: identityPoolArn(deps, pool.id),
      amr: developerAmr(dev, pool.id, userId),
      seconds: input.TokenDuration ?? DEFAULT_TOKEN_SECONDS,
      tags,
    });
    return { IdentityId: identityId, Token };
  },
});
