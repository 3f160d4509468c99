// The AWS Query protocol edge (STS and IAM, issue 10): `POST /` with a form body
// (`Action=…&Version=…`), told apart by the SigV4 scope's service; answers are XML in each
// service's namespace, errors `<ErrorResponse><Error><Type/><Code/><Message/></Error>…`.
// Operations register here by (service, Action); an Action either service knows but Cognate does
// not serve yet answers that plainly instead of pretending.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { ExpiredTokenException, ServiceError, awsError } from './errors.ts';
import { toServiceError, headerSafe } from './error-response.ts';
import { devAccess, withholdAdminCors } from './dev-access.ts';
import { hasSigV4, signedService, verifySigV4, type SigV4Principal } from './sigv4.ts';
import { signedRequestOf } from './aws-json.ts';
import { authorize, roleContextOf } from '../identity-pools/authorize.ts';

export type QueryService = 'sts' | 'iam';

export interface QueryOperation {
  service: QueryService;
  action: string;
  /** 'none': served unsigned too (AssumeRoleWithWebIdentity); 'sigv4': signed by a known key */
  auth: 'none' | 'sigv4';
  /** the result members, serialized in order as XML under `<{Action}Result>` */
  handle(params: URLSearchParams, deps: Deps, ctx: { requestId: string; principal?: SigV4Principal }): Promise<XmlValue>;
}

/** An XML answer's value: text, a nested element list (ordered), or a list of `<member>` items. */
export type XmlValue = string | number | boolean | undefined | { [name: string]: XmlValue } | { member: XmlValue[] };

const NAMESPACE: Record<QueryService, string> = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
};
const VERSION: Record<QueryService, string> = { sts: '2011-06-15', iam: '2010-05-08' };

const InvalidAction = awsError('InvalidAction');
// Expired temporary credentials: STS and IAM answer the code ExpiredToken (the JSON services, ExpiredTokenException).
// Renamed only when SigV4 verification throws it: AssumeRoleWithWebIdentity's own ExpiredTokenException (an expired
// web identity token) keeps its modeled name.
const ExpiredToken = awsError('ExpiredToken', { status: 403 });
const MissingAction = awsError('MissingAction');

// SigV4 and authorization failures under the Query services' own names (AWS's STS/IAM answer these, not the JSON names).
const QUERY_NAME: Record<string, { code: string; status: number }> = {
  InvalidSignatureException: { code: 'SignatureDoesNotMatch', status: 403 },
  UnrecognizedClientException: { code: 'InvalidClientTokenId', status: 403 },
  IncompleteSignatureException: { code: 'IncompleteSignature', status: 400 },
  MissingAuthenticationTokenException: { code: 'MissingAuthenticationToken', status: 403 },
  // A call its role's policy does not allow: STS and IAM name it AccessDenied.
  AccessDeniedException: { code: 'AccessDenied', status: 403 },
};

export function isQueryRequest(req: FastifyRequest): boolean {
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  return type.startsWith('application/x-www-form-urlencoded') && req.headers['x-amz-target'] === undefined;
}

export async function handleQuery(ops: QueryOperation[], deps: Deps, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const requestId = deps.random.uuid();
  const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  const params = new URLSearchParams(body);
  const action = params.get('Action') ?? '';
  const signedReq = signedRequestOf(req);
  const signed = hasSigV4(signedReq);
  const scoped = signed ? signedService(signedReq) : null;
  const service: QueryService = scoped === 'iam' ? 'iam' : 'sts';
  try {
    if (!action) throw new MissingAction('Missing Action');
    const op = ops.find((o) => o.service === service && o.action === action);
    req.operation = { service, name: action };
    if (!op) {
      const known = KNOWN[service].has(action);
      throw new InvalidAction(
        known
          ? `Cognate does not implement ${action} yet.`
          : `Could not find operation ${action} for version ${params.get('Version') ?? VERSION[service]}`,
      );
    }
    let principal: SigV4Principal | undefined;
    if (op.auth === 'sigv4' || signed) {
      withholdAdminCors(deps.config, req.headers, reply);
      principal = await verifySigV4(signedReq, {
        resolver: deps.signingKeys,
        region: deps.config.region,
        services: [service],
        nowMs: deps.clock.now(),
        skipSignatureCheck: devAccess(deps.config, req.headers),
        keyCache: deps.caches.sigv4Keys,
      }).catch((e: unknown) => Promise.reject(e instanceof ExpiredTokenException ? new ExpiredToken(e.message) : e));
    }
    // Issued credentials act only as their role's policies allow (GetCallerIdentity is always allowed, as in AWS);
    // the admin key is not restricted, so its calls skip the role lookup.
    if (roleContextOf(principal) && action !== 'GetCallerIdentity') {
      // The role's real ARN (its path included), so that path-scoped statements apply; a new role's from its Path.
      const roleName = params.get('RoleName');
      let resource = '*';
      if (roleName) {
        const stored = action === 'CreateRole' ? null : await deps.store.roles.get(roleName);
        resource = stored?.arn ?? `arn:aws:iam::${deps.config.accountId}:role${params.get('Path') ?? '/'}${roleName}`;
      }
      await authorize(deps, principal, `${service}:${action}`, resource, req.ip);
    }
    const result = await op.handle(params, deps, { requestId, principal });
    const xml =
      `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${NAMESPACE[service]}">` +
      (result === undefined ? '' : `<${action}Result>${toXml(result)}</${action}Result>`) +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
    return reply.status(200).header('content-type', 'text/xml').header('x-amzn-requestid', requestId).send(xml);
  } catch (err) {
    const e = toServiceError(err, deps.logger, { requestId, action });
    return sendQueryError(reply, service, e, requestId);
  }
}

function sendQueryError(reply: FastifyReply, service: QueryService, e: ServiceError, requestId: string): FastifyReply {
  const renamed = QUERY_NAME[e.code];
  const code = renamed?.code ?? e.code;
  const status = renamed?.status ?? e.status;
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${NAMESPACE[service]}"><Error>` +
    `<Type>${e.fault === 'server' ? 'Receiver' : 'Sender'}</Type><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  return reply
    .status(status)
    .header('content-type', 'text/xml')
    .header('x-amzn-requestid', requestId)
    .header('x-amzn-errortype', `${code}:`)
    .header('x-amzn-errormessage', headerSafe(e.message))
    .send(xml);
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function toXml(v: XmlValue): string {
  if (v === undefined) return '';
  if (typeof v !== 'object') return escapeXml(String(v));
  if ('member' in v && Array.isArray(v.member)) return v.member.map((m) => `<member>${toXml(m)}</member>`).join('');
  let out = '';
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out += `<${k}>${toXml(x as XmlValue)}</${k}>`;
  return out;
}

// The Actions of each service's model that the issue names: known, so "not implemented yet" rather than "no such operation".
const KNOWN: Record<QueryService, Set<string>> = {
  sts: new Set(['AssumeRoleWithWebIdentity', 'GetCallerIdentity', 'AssumeRole', 'GetSessionToken']),
  iam: new Set([
    'CreateRole', 'GetRole', 'ListRoles', 'UpdateAssumeRolePolicy', 'DeleteRole',
    'PutRolePolicy', 'GetRolePolicy', 'ListRolePolicies', 'DeleteRolePolicy',
  ]),
};
