// Test support for /_cognate/authorize: an identity pool whose guests get a role that may write and read only their
// own folder of the `uploads` bucket (the seeds' "upload to the user's own folder"), guest credentials from the real
// cognito-identity SDK, and requests signed for s3 by the SDK's own signer (@smithy/signature-v4, as the S3 client
// configures it: path not encoded again, x-amz-content-sha256 sent and signed).
import sha256js from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { CognitoIdentityClient, CreateIdentityPoolCommand, GetCredentialsForIdentityCommand, GetIdCommand, SetIdentityPoolRolesCommand } from '@aws-sdk/client-cognito-identity';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';

const NS = 'cognito-identity.amazonaws.com';

export const OWN_FOLDER_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: `arn:aws:s3:::uploads/\${${NS}:sub}/*` }],
};

export interface Guest {
  identityId: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
}

export interface UploadsPool {
  poolId: string;
  roleArn: string;
  /** A new guest identity with fresh credentials. */
  guest(): Promise<Guest>;
  destroy(): void;
}

/** Makes the pool and its guest role (policy: OWN_FOLDER_POLICY unless given) on the server at `url`, signed by `admin`. */
export async function uploadsPool(
  url: string,
  admin: { accessKeyId: string; secretAccessKey: string },
  region: string,
  name = 'uploads',
  policy: unknown = OWN_FOLDER_POLICY,
): Promise<UploadsPool> {
  const identity = new CognitoIdentityClient({ region, endpoint: url, credentials: admin, maxAttempts: 1 });
  const iam = new IAMClient({ region, endpoint: url, credentials: admin, maxAttempts: 1 });
  try {
    const poolId = (await identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: name, AllowUnauthenticatedIdentities: true }))).IdentityPoolId!;
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: NS }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${NS}:aud`]: poolId } } }] };
    const roleArn = (await iam.send(new CreateRoleCommand({ RoleName: `${name}-guest`, AssumeRolePolicyDocument: JSON.stringify(trust) }))).Role!.Arn!;
    await iam.send(new PutRolePolicyCommand({ RoleName: `${name}-guest`, PolicyName: 'own-folder', PolicyDocument: JSON.stringify(policy) }));
    await identity.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { unauthenticated: roleArn } }));
    return {
      poolId,
      roleArn,
      async guest() {
        const identityId = (await identity.send(new GetIdCommand({ IdentityPoolId: poolId }))).IdentityId!;
        const c = (await identity.send(new GetCredentialsForIdentityCommand({ IdentityId: identityId }))).Credentials!;
        return { identityId, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretKey!, sessionToken: c.SessionToken! } };
      },
      destroy() {
        identity.destroy();
      },
    };
  } finally {
    iam.destroy();
  }
}

/** S3's encoding of an object key in a path-style URL (the S3 client's: each segment URI-encoded, '/' kept). */
export function s3Path(bucket: string, key: string): string {
  return `/${bucket}/${key.split('/').map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join('/')}`;
}

/** The headers of an s3 request to `host` signed by `credentials` (the body hashed into x-amz-content-sha256). */
export async function signS3(
  host: string,
  credentials: Guest['credentials'],
  region: string,
  r: { method: string; path: string; body?: string; query?: Record<string, string>; signingDate?: Date; service?: string },
): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials, region, service: r.service ?? 's3', sha256: sha256js.Sha256, uriEscapePath: false });
  const headers: Record<string, string> = { host };
  if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
  const signed = await signer.sign(
    { method: r.method, protocol: 'http:', hostname: host.split(':')[0]!, path: r.path, query: r.query ?? {}, headers, ...(r.body !== undefined ? { body: r.body } : {}) },
    r.signingDate ? { signingDate: r.signingDate } : {},
  );
  return signed.headers as Record<string, string>;
}
