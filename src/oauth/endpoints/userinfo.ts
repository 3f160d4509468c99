// GET|POST /oauth2/userInfo (an HTTP edge; OIDC Core §5.3, COGNITO-API §7.3): the user an access token with the
// openid scope belongs to, as JSON; refusals as RFC 6750 Bearer challenges with Cognito's descriptions.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { verifyAccessToken } from '../../tokens/verify.ts';
import { userInfoOf } from '../userinfo.ts';
import { poolOfRequest } from './pool-of-request.ts';

/** Cognito's answers (§7.3, observed). */
const BAD_REQUEST = 'error="invalid_request", error_description="Bad OAuth2 request at UserInfo Endpoint"';
const BAD_TOKEN = 'error="invalid_token", error_description="Access token is expired, disabled, or deleted, or the user has globally signed out."';

function refuse(reply: FastifyReply, status: 400 | 401, challenge: string, error: string): FastifyReply {
  return reply.status(status).header('www-authenticate', challenge).header('cache-control', 'no-store').type('application/json;charset=UTF-8').send({ error });
}

export function registerUserInfoEndpoint(app: FastifyInstance, deps: Deps): void {
  const handler = async (req: FastifyRequest<{ Params: { poolId?: string } }>, reply: FastifyReply) => {
    const poolId = await poolOfRequest(deps, req);
    if (poolId === null) return reply.status(404).send({ message: 'Not found.' });
    const m = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(req.headers.authorization ?? '');
    if (!m) return refuse(reply, 400, BAD_REQUEST, 'invalid_request');
    // A token without openid is refused like a bad one: API-issued tokens do not work here (§7.3; the status is ours).
    const outcome = await verifyAccessToken(deps, m[1]!, 'openid', (originJti, sub) => deps.store.sessions.getWithContext(originJti, sub));
    if (!outcome.ok || outcome.poolId !== poolId) return refuse(reply, 401, BAD_TOKEN, 'invalid_token');
    const { user, client, session } = outcome;
    if (!user || user.username !== session.username || !user.enabled) return refuse(reply, 401, BAD_TOKEN, 'invalid_token');
    const scopes = String(outcome.claims.scope).split(' ');
    return reply.header('cache-control', 'no-store').type('application/json;charset=UTF-8').send(userInfoOf(user, client, scopes));
  };
  for (const path of ['/:poolId/oauth2/userInfo', '/oauth2/userInfo']) {
    app.get(path, handler);
    app.post(path, handler);
  }
}
