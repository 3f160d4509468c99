// Temporary credentials (issue 10): what GetCredentialsForIdentity and AssumeRoleWithWebIdentity hand out, and how
// a later SigV4-signed call proves them. Stateless, so every worker and every server sharing the master key verifies
// them with nothing stored: the secret key is an HMAC of the access key id under a key derived from the master key,
// and the session token seals (AES-256-GCM, bound to the access key id) the role, the identity and the expiry.
// Nothing about a session is written anywhere; a role's policies are read when a call is authorized, so a policy
// change applies at once, as IAM's does.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import type { Clock } from '../runtime/clock.ts';
import type { Random } from '../runtime/random.ts';
import type { StoredKeys } from '../runtime/stored-keys.ts';
import type { SigningKeyResolver } from '../protocol/sigv4.ts';
import { ExpiredTokenException } from '../protocol/errors.ts';

export interface CredentialClaims {
  roleArn: string;
  /** the role's unique id: a role deleted and made again under the same name is another role */
  roleId?: string;
  /** the identity id the credentials were issued to (Cognito: the assumed role's session name) */
  identityId?: string;
  roleSessionName: string;
  /** condition keys the issuing token carried (cognito-identity.amazonaws.com:aud, :amr, :sub) */
  keys?: Record<string, string | string[]>;
  /** principal tags (SetPrincipalTagAttributeMap) */
  tags?: Record<string, string>;
}

export interface IssuedCredentials {
  AccessKeyId: string;
  SecretKey: string;
  SessionToken: string;
  Expiration: Date;
}

export interface VerifiedCredentials extends CredentialClaims {
  accessKeyId: string;
  expiresAt: number;
}

export interface CredentialAuthority {
  issue(claims: CredentialClaims, durationSeconds: number): IssuedCredentials;
  /**
   * The secret and claims for a signed request's key id and x-amz-security-token; null when forged or for another key.
   * Genuine but expired credentials throw ExpiredTokenException, as AWS answers them.
   */
  resolve(accessKeyId: string, sessionToken: string | undefined): { secretAccessKey: string; context: VerifiedCredentials } | null;
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const VERSION = 'CG1';

export function credentialAuthority(masterKey: Buffer, random: Random, clock: Clock): CredentialAuthority {
  const derive = (label: string) => Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `cognate ${label}`, 32));
  const tokenKey = derive('sts session token');
  const secretKey = derive('sts secret access key');
  const secretOf = (accessKeyId: string) => createHmac('sha256', secretKey).update(accessKeyId).digest('base64').slice(0, 40);

  return {
    issue(claims, durationSeconds) {
      const accessKeyId = 'ASIA' + random.string(16, UPPER_ALNUM);
      const expiresAt = Math.floor(clock.now() / 1000) * 1000 + durationSeconds * 1000;
      const iv = random.bytes(12);
      const c = createCipheriv('aes-256-gcm', tokenKey, iv);
      c.setAAD(Buffer.from(VERSION + accessKeyId));
      const body = Buffer.concat([c.update(JSON.stringify({ ...claims, exp: expiresAt }), 'utf8'), c.final()]);
      const token = VERSION + Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
      return { AccessKeyId: accessKeyId, SecretKey: secretOf(accessKeyId), SessionToken: token, Expiration: new Date(expiresAt) };
    },
    resolve(accessKeyId, sessionToken) {
      if (!sessionToken || !sessionToken.startsWith(VERSION) || !/^ASIA[A-Z2-7]{16}$/.test(accessKeyId)) return null;
      const raw = Buffer.from(sessionToken.slice(VERSION.length), 'base64');
      if (raw.length < 12 + 16 + 2) return null;
      let claims: CredentialClaims & { exp: number };
      try {
        const d = createDecipheriv('aes-256-gcm', tokenKey, raw.subarray(0, 12));
        d.setAAD(Buffer.from(VERSION + accessKeyId));
        d.setAuthTag(raw.subarray(12, 28));
        claims = JSON.parse(Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8'));
      } catch {
        return null; // forged, altered, or another key id's token
      }
      if (typeof claims.exp !== 'number') return null;
      if (clock.now() >= claims.exp) throw new ExpiredTokenException();
      const { exp, ...rest } = claims;
      return { secretAccessKey: secretOf(accessKeyId), context: { ...rest, accessKeyId, expiresAt: exp } };
    },
  };
}


/** The authority over the store's credentials key (made once, shared by every server on the store), built on first use. */
export interface LazyCredentialAuthority {
  get(): Promise<CredentialAuthority>;
}
export function lazyCredentialAuthority(keys: StoredKeys, random: Random, clock: Clock): LazyCredentialAuthority {
  let a: Promise<CredentialAuthority> | undefined;
  return {
    get() {
      a ??= keys.get('sts_credentials_key').then((k) => credentialAuthority(k, random, clock));
      a.catch(() => (a = undefined));
      return a;
    },
  };
}

/** The principal context of a call signed with issued credentials. */
export interface RoleContext extends VerifiedCredentials {
  kind: 'role';
}

/** Resolves the admin key first, then issued credentials (`ASIA…` with a session token) with a `role` context. */
export function withRoleCredentials(admin: SigningKeyResolver, creds: LazyCredentialAuthority): SigningKeyResolver {
  return {
    async resolve(accessKeyId, sessionToken) {
      const found = await admin.resolve(accessKeyId, sessionToken);
      if (found || !accessKeyId.startsWith('ASIA') || !sessionToken) return found;
      const r = (await creds.get()).resolve(accessKeyId, sessionToken);
      return r ? { secretAccessKey: r.secretAccessKey, context: { ...r.context, kind: 'role' } satisfies RoleContext } : null;
    },
  };
}
