// The pool's OIDC issuer documents (an HTTP edge): {public-url}/{UserPoolId}/.well-known/jwks.json and openid-configuration.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { jwks } from '../../tokens/keys.ts';
import { issuerOf } from '../../tokens/mint.ts';
import { servesOAuth } from './pool-of-request.ts';

export function registerWellKnown(app: FastifyInstance, deps: Deps): void {
  const notFound = (poolId: string) => ({ message: `User pool ${poolId} does not exist.` });

  app.get<{ Params: { poolId: string } }>('/:poolId/.well-known/jwks.json', async (req, reply) => {
    const { poolId } = req.params;
    const pool = await deps.store.pools.get(poolId);
    if (!pool) return reply.status(404).send(notFound(poolId));
    const keys = await deps.store.keys.listForPool(poolId);
    return reply.header('cache-control', 'public, max-age=300').send(jwks(keys, deps.clock.now()));
  });

  app.get<{ Params: { poolId: string } }>('/:poolId/.well-known/openid-configuration', async (req, reply) => {
    const { poolId } = req.params;
    const pool = await deps.store.pools.get(poolId);
    if (!pool) return reply.status(404).send(notFound(poolId));
    const iss = issuerOf(deps.config.publicUrl, poolId);
    // What an OpenID verifier needs to check this issuer's ID tokens, and of the OAuth endpoints only those this server
    // serves, and only for a pool with a domain (as Cognito lists them): the token endpoint (client_credentials so far)
    // and the userInfo and revocation endpoints, in the path form under the issuer. authorization_endpoint,
    // end_session_endpoint, response_types_supported and scopes_supported come with those endpoints.
    const oauth = (await servesOAuth(deps, poolId))
      ? {
          token_endpoint: `${iss}/oauth2/token`,
          userinfo_endpoint: `${iss}/oauth2/userInfo`,
          revocation_endpoint: `${iss}/oauth2/revoke`,
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        }
      : {};
    return reply.send({
      issuer: iss,
      jwks_uri: `${iss}/.well-known/jwks.json`,
      ...oauth,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
  });
}
