// /_cognate/authorize: allow or deny a request made to another service with identity credentials Cognate issued
// (issue 10), for a reverse proxy (nginx auth_request; another that can send the headers below) or any service that asks on
// the request's behalf.
//
// The asking request carries the original request's headers as they came (Authorization or none, X-Amz-Date,
// X-Amz-Security-Token, X-Amz-Content-Sha256, the other signed headers), and says what the original was with:
//   X-Original-Method           the original method (required)
//   X-Original-URI              the original path and query, raw as sent (nginx: $request_uri) (required)
//   X-Original-Host             the original Host (else the asking request's Host is taken)
//   X-Original-Content-Length   the original Content-Length when it was signed (the asking request has no body)
//   X-Original-Remote-Addr      the client's address, for aws:SourceIp (else the asking peer's)
// The original body is not sent: its hash is taken from X-Amz-Content-Sha256 as signed, and not checked against the
// body (the upstream that gets the body may check it). The signature must be by issued credentials, unexpired, for
// this server's region and service s3 or execute-api (request-actions.ts says which action and resource a request is).
//
// Answers: 200 with X-Cognate-Identity-Id and X-Cognate-Role-Arn when the role's policies allow it; 403
// AccessDeniedException when they do not (or the key is the admin's, which this endpoint does not speak for, or the
// path cannot be decided on); 401 with the AWS error of a missing, malformed, wrong or expired signature. Nothing
// beyond that: no canonical request or string to sign is ever sent back. --dev does not relax any of it.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { decide, denied, roleContextOf } from '../identity-pools/authorize.ts';
import { actionOf, AUTHORIZABLE_SERVICES } from '../identity-pools/request-actions.ts';
import { sendAwsJsonError, toServiceError } from './error-response.ts';
import { AccessDeniedException, InvalidParameterException, ServiceError } from './errors.ts';
import { signedService, verifySigV4, type SignedRequest } from './sigv4.ts';

export const AUTHORIZE_PATH = '/_cognate/authorize';

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** The original request, rebuilt from the asking one's headers; throws InvalidParameterException naming what is missing. */
function originalOf(req: FastifyRequest): SignedRequest {
  const method = one(req.headers['x-original-method']);
  const uri = one(req.headers['x-original-uri']);
  if (!method || !/^[A-Za-z]+$/.test(method)) throw new InvalidParameterException('X-Original-Method must name the original request method.');
  if (!uri || !uri.startsWith('/')) throw new InvalidParameterException('X-Original-URI must be the original request path and query.');
  const headers = { ...req.headers };
  const host = one(req.headers['x-original-host']);
  if (host) headers.host = host;
  const length = one(req.headers['x-original-content-length']);
  if (length) headers['content-length'] = length;
  else delete headers['content-length'];
  const q = uri.indexOf('?');
  return { method: method.toUpperCase(), path: q < 0 ? uri : uri.slice(0, q), query: q < 0 ? '' : uri.slice(q + 1), headers, body: Buffer.alloc(0) };
}

export function registerAuthorizeEndpoint(app: FastifyInstance, deps: Deps): void {
  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
    url: AUTHORIZE_PATH,
    handler: async (req, reply) => {
      const requestId = deps.random.uuid();
      try {
        const original = originalOf(req);
        let principal;
        try {
          principal = await verifySigV4(original, {
            resolver: deps.signingKeys,
            region: deps.config.region,
            services: AUTHORIZABLE_SERVICES,
            nowMs: deps.clock.now(),
            keyCache: deps.caches.sigv4Keys,
            s3Path: signedService(original) === 's3',
            declaredPayload: true,
          });
        } catch (err) {
          // 401 for every authentication failure: nginx's auth_request passes only 2xx, 401 and 403 on.
          if (err instanceof ServiceError && err.fault === 'client') throw new ServiceError(err.code, err.message, { status: 401 });
          throw err;
        }
        const role = roleContextOf(principal);
        if (!role) throw new AccessDeniedException('Only credentials issued to identities are authorized here.');
        const asked = actionOf({
          service: principal.service,
          method: original.method,
          path: original.path,
          query: original.query,
          host: one(original.headers.host) ?? '',
          region: deps.config.region,
          accountId: deps.config.accountId,
          copySource: one(original.headers['x-amz-copy-source']),
        });
        if ('refused' in asked) throw new AccessDeniedException(asked.refused);
        const sourceIp = one(req.headers['x-original-remote-addr']) ?? req.ip;
        const decision = await decide(deps, role, asked.action, asked.resource, sourceIp, asked.keys);
        if (decision !== 'Allow') throw denied(deps, role, asked.action, asked.resource, decision);
        return reply
          .status(200)
          .header('content-type', 'application/json')
          .header('x-amzn-requestid', requestId)
          .header('x-cognate-identity-id', role.identityId ?? '')
          .header('x-cognate-role-arn', role.roleArn)
          .send(JSON.stringify({ allow: true, identityId: role.identityId ?? null, roleArn: role.roleArn, action: asked.action, resource: asked.resource }));
      } catch (err) {
        return sendAwsJsonError(reply, toServiceError(err, deps.logger, { requestId, url: AUTHORIZE_PATH }), requestId);
      }
    },
  });
}
