// POST /oauth2/revoke (an HTTP edge; RFC 7009, COGNITO-API §7.4): revokes a refresh token of the authenticated client,
// as RevokeToken does; 200 with an empty body, also for unknown and already revoked tokens.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { revokeRefreshToken } from '../../user-pools/domain/revocation.ts';
import { authenticateClient, credentialsOf } from '../client-auth.ts';
import { OAuthError } from '../errors.ts';
import { poolOfRequest } from './pool-of-request.ts';
import { formOf, sendOAuthError } from './token.ts';

export function registerRevokeEndpoint(app: FastifyInstance, deps: Deps): void {
  const handler = async (req: FastifyRequest<{ Params: { poolId?: string } }>, reply: FastifyReply) => {
    const poolId = await poolOfRequest(deps, req);
    if (poolId === null) return reply.status(404).send({ message: 'Not found.' });
    try {
      const form = formOf(req);
      const token = form.get('token');
      if (token === null || token === '') throw new OAuthError('invalid_request');
      const client = await authenticateClient(deps, poolId, credentialsOf(req.headers.authorization, form));
      const outcome = await revokeRefreshToken(deps, client, token);
      // §7.4: revocation disabled on the client is invalid_request; not a refresh token unsupported_token_type.
      if (outcome === 'disabled') throw new OAuthError('invalid_request');
      if (outcome === 'token-type') throw new OAuthError('unsupported_token_type');
      // Another client's token: refused as RevokeToken refuses it (UnauthorizedException), nothing revoked (ours).
      if (outcome === 'other-client') throw new OAuthError('invalid_client', { status: 401 });
      return reply.header('cache-control', 'no-store').status(200).send('');
    } catch (e) {
      if (e instanceof OAuthError) return sendOAuthError(reply, e);
      throw e;
    }
  };
  app.post('/:poolId/oauth2/revoke', handler);
  app.post('/oauth2/revoke', handler);
}
