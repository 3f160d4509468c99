// POST /oauth2/token (an HTTP edge; RFC 6749 §3.2, COGNITO-API §7.2): decodes the form, authenticates the client, runs
// the grant, and answers the token or an RFC 6749 error as JSON.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { authenticateClient, credentialsOf } from '../client-auth.ts';
import { OAuthError } from '../errors.ts';
import { ServiceError } from '../../protocol/errors.ts';
import { clientCredentialsGrant } from '../grants/client-credentials.ts';
import { poolOfRequest } from './pool-of-request.ts';

type Req = FastifyRequest<{ Params: { poolId?: string } }>;

/** The form body; invalid_request for another content type or a parameter given twice (RFC 6749 §3.2). */
export function formOf(req: FastifyRequest): URLSearchParams {
  const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new OAuthError('invalid_request');
  const form = new URLSearchParams(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
  const names = [...form.keys()];
  if (new Set(names).size !== names.length) throw new OAuthError('invalid_request');
  return form;
}

export function sendOAuthError(reply: FastifyReply, e: OAuthError): FastifyReply {
  if (e.wwwAuthenticate) reply.header('www-authenticate', e.wwwAuthenticate);
  return reply.status(e.status).header('cache-control', 'no-store').type('application/json;charset=UTF-8').send({ error: e.error });
}

export function registerTokenEndpoint(app: FastifyInstance, deps: Deps): void {
  const handler = async (req: Req, reply: FastifyReply) => {
    const poolId = await poolOfRequest(deps, req);
    if (poolId === null) return reply.status(404).send({ message: 'Not found.' });
    try {
      const form = formOf(req);
      const grantType = form.get('grant_type');
      if (grantType === null) throw new OAuthError('invalid_request');
      const client = await authenticateClient(deps, poolId, credentialsOf(req.headers.authorization, form));
      // authorization_code and refresh_token come with the authorize endpoint and the hosted pages (issue 14).
      if (grantType !== 'client_credentials') throw new OAuthError('unsupported_grant_type');
      const token = await clientCredentialsGrant(deps, client, form, req.headers['user-agent']);
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').type('application/json;charset=UTF-8').send(token);
    } catch (e) {
      if (e instanceof OAuthError) return sendOAuthError(reply, e);
      // A PreTokenGeneration function that failed or answered badly (the runner's AWS errors): no token. Cognito's
      // answer here was not found; invalid_request is ours, and the AWS error is logged, not sent.
      if (e instanceof ServiceError && e.status < 500) {
        deps.logger.warn('client_credentials refused by the PreTokenGeneration trigger', { error: e.code, message: e.message });
        return sendOAuthError(reply, new OAuthError('invalid_request'));
      }
      throw e;
    }
  };
  app.post('/:poolId/oauth2/token', handler);
  app.post('/oauth2/token', handler);
}
