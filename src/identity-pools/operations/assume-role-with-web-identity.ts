// STS AssumeRoleWithWebIdentity (issue 10), served unsigned as AWS does: an OpenID token from the identity pools'
// own issuer (openid.ts) is exchanged for temporary credentials of a role whose trust policy allows it, with the
// trust-policy condition keys Cognito documents (cognito-identity.amazonaws.com:aud, :amr, :sub). Tokens of outside
// providers are not accepted yet.
import { jwtVerify, errors as joseErrors } from 'jose';
import { awsError } from '../../protocol/errors.ts';
import type { QueryOperation } from '../../protocol/query.ts';
import { assumedRoleArn, roleNameOf } from '../authorize.ts';
import { identityIssuer, identityVerificationKey } from '../openid.ts';
import { trustAllows } from '../sessions.ts';

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
    const duration = durationRaw === null ? 3600 : Number(durationRaw);
    if (!Number.isInteger(duration) || duration < 900 || duration > 43200)
      throw new ValidationError(`1 validation error detected: Value '${durationRaw}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`);

    let claims: { sub?: string; aud?: string | string[]; amr?: unknown };
    try {
      // The key the token's kid names among the published ones: tokens signed before a rotation verify until it retires.
      const keyFor = async ({ kid }: { kid?: string }) => {
        const key = await identityVerificationKey(deps, kid);
        if (!key) throw new InvalidIdentityToken(BAD_TOKEN);
        return key;
      };
      ({ payload: claims } = await jwtVerify(token, keyFor, {
        issuer: identityIssuer(deps.config.publicUrl),
        algorithms: ['RS512'],
        currentDate: new Date(deps.clock.now()),
      }));
    } catch (e) {
      if (!(e instanceof joseErrors.JOSEError)) throw e; // our own refusal above, or the store failing
      if (e instanceof joseErrors.JWTExpired) throw new ExpiredTokenException('Token expired: current date/time is later than the token expiry.');
      throw new InvalidIdentityToken(BAD_TOKEN);
    }
    const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
    const amr = Array.isArray(claims.amr) ? claims.amr.map(String) : [];

    const role = await deps.store.roles.get(roleNameOf(roleArn));
    const denied = () => new AccessDenied('Not authorized to perform sts:AssumeRoleWithWebIdentity');
    if (!role || role.arn !== roleArn) throw denied();
    const keys = { [`${NS}:aud`]: aud ?? '', [`${NS}:sub`]: claims.sub ?? '', [`${NS}:amr`]: amr };
    if (!trustAllows(role, keys)) throw denied();
    if (duration > role.maxSessionDuration)
      throw new ValidationError(`The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`);

    const creds = (await deps.roleCredentials.get()).issue({ roleArn, roleId: role.roleId, identityId: claims.sub, roleSessionName: session, keys }, duration);
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
