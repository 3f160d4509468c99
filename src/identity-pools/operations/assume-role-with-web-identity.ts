// STS AssumeRoleWithWebIdentity (issue 10), served unsigned as AWS does: an OpenID token from the identity pools'
// own issuer (openid.ts) is exchanged for temporary credentials of a role whose trust policy allows it, with the
// trust-policy condition keys Cognito documents (cognito-identity.amazonaws.com:aud, :amr, :sub). Session tags in the
// token's `https://aws.amazon.com/tags` claim (the pool's principal tags) become the session's principal tags, which
// the trust policy must allow with sts:TagSession, as IAM requires. Tokens of outside providers are not accepted yet.
import { awsError } from '../../protocol/errors.ts';
import type { QueryOperation } from '../../protocol/query.ts';
import { assumedRoleArn, roleNameOf } from '../authorize.ts';
import { identityIssuer, TAGS_CLAIM, verifyOpenIdToken } from '../openid.ts';
import { sessionTagsOf } from '../principal-tags.ts';
import { trustAllowsSession } from '../sessions.ts';

const AccessDenied = awsError('AccessDenied', { status: 403 });
const InvalidIdentityToken = awsError('InvalidIdentityToken');
const ExpiredTokenException = awsError('ExpiredTokenException');
const ValidationError = awsError('ValidationError');
const BAD_TOKEN = 'Incorrect token audience or issuer, or a signature this provider did not make.';

const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/(?:[\u0021-\u007E]+\/)?[\w+=,.@-]{1,64}$/;
const SESSION = /^[\w+=,.@-]{2,64}$/;
const NS = 'cognito-identity.amazonaws.com';

function need(params: URLSearchParams, name: string, member: string): string {
  const v = params.get(name);
  if (v === null) throw new ValidationError(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  return v;
}

export const assumeRoleWithWebIdentity: QueryOperation = {
  service: 'sts',
  action: 'AssumeRoleWithWebIdentity',
  auth: 'none',
  async handle(params, deps) {
    const roleArn = need(params, 'RoleArn', 'roleArn');
    if (!ROLE_ARN.test(roleArn)) throw new ValidationError(`${roleArn} is invalid`);
    const session = need(params, 'RoleSessionName', 'roleSessionName');
    if (!SESSION.test(session))
      throw new ValidationError(`1 validation error detected: Value '${session}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
    const token = need(params, 'WebIdentityToken', 'webIdentityToken');
    const durationRaw = params.get('DurationSeconds');
    const duration = durationRaw === null ? 3600 : /^\d{1,9}$/.test(durationRaw) ? Number(durationRaw) : NaN;
    if (!Number.isInteger(duration) || duration < 900 || duration > 43200)
      throw new ValidationError(`1 validation error detected: Value '${durationRaw}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`);

    const verified = await verifyOpenIdToken(deps, token);
    if (!verified.ok) {
      if (verified.reason === 'expired') throw new ExpiredTokenException('Token expired: current date/time is later than the token expiry.');
      throw new InvalidIdentityToken('Incorrect token audience or issuer, or a signature this provider did not make.');
    }
    const claims = verified.claims;
    const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
    const amr = Array.isArray(claims.amr) ? claims.amr.map(String) : [];

    const role = await deps.store.roles.get(roleNameOf(roleArn));
    const denied = () => new AccessDenied('Not authorized to perform sts:AssumeRoleWithWebIdentity');
    if (!role || role.arn !== roleArn) throw denied();
    const keys = { [`${NS}:aud`]: aud ?? '', [`${NS}:sub`]: claims.sub ?? '', [`${NS}:amr`]: amr };
    const tags = sessionTagsOf(claims[TAGS_CLAIM]);
    if (!trustAllowsSession(role, keys, tags)) throw denied();
    if (duration > role.maxSessionDuration)
      throw new ValidationError(`The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`);

    const creds = (await deps.roleCredentials.get()).issue(
      { roleArn, roleId: role.roleId, identityId: claims.sub, roleSessionName: session, keys, ...(Object.keys(tags).length ? { tags } : {}) },
      duration,
    );
    return {
      Credentials: {
        AccessKeyId: creds.AccessKeyId,
        SecretAccessKey: creds.SecretKey,
        SessionToken: creds.SessionToken,
        Expiration: creds.Expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
      SubjectFromWebIdentityToken: claims.sub,
      AssumedRoleUser: { AssumedRoleId: `${role.roleId}:${session}`, Arn: assumedRoleArn(deps.config.accountId, roleArn, session) },
      Provider: identityIssuer(deps.config.publicUrl),
      Audience: aud,
    };
  },
};
