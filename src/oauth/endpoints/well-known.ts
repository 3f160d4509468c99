// The pool's OIDC issuer documents (an HTTP edge): {public-url}/{UserPoolId}/.well-known/jwks.json and openid-configuration.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { jwks } from '../../tokens/keys.ts';
import { issuerOf } from '../../tokens/mint.ts';

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
    // What an OpenID verifier needs to check this issuer's ID tokens, and nothing this server does not serve: the
    // hosted OAuth server's endpoints, and with them response_types_supported, scopes_supported and
    // token_endpoint_auth_methods_supported, are listed when it is built (Cognito lists them only with a domain).
    return reply.send({
      issuer: iss,
      jwks_uri: `${iss}/.well-known/jwks.json`,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
  });
}
