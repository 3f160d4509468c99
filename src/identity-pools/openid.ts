// The identity pools as an OpenID provider (issue 10, COGNITO-API §3.8): one RS512 key pair for the installation,
// sealed by the master key in the store's meta table (made once; every server sharing the database reads the same),
// the discovery document at `{public-url}/.well-known/openid-configuration` and the JWKS at
// `/.well-known/jwks_uri` (Cognito's path name) and `/.well-known/jwks.json`, so an outside relying party (IAM, MinIO,
// Vault, any OIDC client) can trust the OpenID tokens GetOpenIdToken will hand out. Rotation is not built yet.
import { generateKeyPair, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { SignJWT, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import type { Deps } from '../deps.ts';

const genKeyPair = promisify(generateKeyPair);
const META_NAME = 'identity_openid_key';

interface IdentityKey {
  kid: string;
  privateKey: KeyObject;
  jwk: { kty: string; n: string; e: string; alg: 'RS512'; use: 'sig'; kid: string };
}

export type OpenIdDeps = Pick<Deps, 'store' | 'secrets' | 'config' | 'clock'>;

const loaded = new WeakMap<object, Promise<IdentityKey>>();

/** The installation's identity key: read from the store, or made and stored by the first server to need it. */
export function identityKey(deps: OpenIdDeps): Promise<IdentityKey> {
  let k = loaded.get(deps.store);
  if (!k) {
    k = (async () => {
      let sealed = await deps.store.meta.get(META_NAME);
      if (sealed === null) {
        const { privateKey } = await genKeyPair('rsa', { modulusLength: 2048 });
        // Cognito's kids are the region and a number (e.g. "us-east-11").
        const made = { kid: `${deps.config.region}1`, pem: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string };
        sealed = await deps.store.meta.setIfAbsent(META_NAME, deps.secrets.encrypt(JSON.stringify(made)));
      }
      const { kid, pem } = JSON.parse(deps.secrets.decryptString(sealed)) as { kid: string; pem: string };
      const privateKey = createPrivateKey(pem);
      const pub = createPublicKey(privateKey).export({ format: 'jwk' }) as { kty: string; n: string; e: string };
      return { kid, privateKey, jwk: { kty: pub.kty, n: pub.n, e: pub.e, alg: 'RS512', use: 'sig', kid } };
    })();
    k.catch(() => loaded.delete(deps.store));
    loaded.set(deps.store, k);
  }
  return k;
}

/** The identity pools' issuer: this server's public URL (Cognito's is https://cognito-identity.amazonaws.com). */
export function identityIssuer(publicUrl: string): string {
  return publicUrl.replace(/\/+$/, '');
}

export interface OpenIdTokenRequest {
  identityId: string;
  identityPoolId: string;
  identityPoolArn: string;
  /** ["unauthenticated"] or ["authenticated", provider, provider-specific id] */
  amr: string[];
  /** lifetime: 600 s for GetOpenIdToken, TokenDuration for developer tokens */
  seconds: number;
  /** principal tags, carried as STS reads session tags from a web identity token (`https://aws.amazon.com/tags`) */
  tags?: Record<string, string>;
}

/** The claim STS AssumeRoleWithWebIdentity reads session tags from (IAM: "Passing session tags using AssumeRoleWithWebIdentity"). */
export const TAGS_CLAIM = 'https://aws.amazon.com/tags';

export async function mintOpenIdToken(deps: OpenIdDeps, r: OpenIdTokenRequest): Promise<string> {
  const key = await identityKey(deps);
  const now = Math.floor(deps.clock.now() / 1000);
  const tags = Object.entries(r.tags ?? {});
  const tagClaim = tags.length ? { [TAGS_CLAIM]: { principal_tags: Object.fromEntries(tags.map(([k, v]) => [k, [v]])) } } : {};
  return new SignJWT({ amr: r.amr, 'https://cognito-identity.amazonaws.com/identity-pool-arn': r.identityPoolArn, ...tagClaim })
    .setProtectedHeader({ kid: key.kid, typ: 'JWS', alg: 'RS512' })
    .setIssuer(identityIssuer(deps.config.publicUrl))
    .setSubject(r.identityId)
    .setAudience(r.identityPoolId)
    .setIssuedAt(now)
    .setExpirationTime(now + r.seconds)
    .sign(key.privateKey);
}

/** The claims of an OpenID token this installation minted, or why it is not one (expired, or not ours / malformed). */
export type VerifiedOpenIdToken = { ok: true; claims: JWTPayload & { amr?: unknown } } | { ok: false; reason: 'expired' | 'invalid' };

/** Verifies an identity-pool OpenID token: signed by the identity key, from this issuer, not expired (injected clock). */
export async function verifyOpenIdToken(deps: OpenIdDeps, token: string): Promise<VerifiedOpenIdToken> {
  const key = await identityKey(deps);
  try {
    const { payload } = await jwtVerify(token, createPublicKey(key.privateKey), {
      issuer: identityIssuer(deps.config.publicUrl),
      algorithms: ['RS512'],
      currentDate: new Date(deps.clock.now()),
    });
    return { ok: true, claims: payload };
  } catch (e) {
    return { ok: false, reason: e instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
  }
}

export function registerIdentityOpenId(app: FastifyInstance, deps: OpenIdDeps): void {
  const jwks = async () => ({ keys: [(await identityKey(deps)).jwk] });
  app.get('/.well-known/jwks_uri', async (_req, reply) => reply.header('cache-control', 'public, max-age=300').send(await jwks()));
  app.get('/.well-known/jwks.json', async (_req, reply) => reply.header('cache-control', 'public, max-age=300').send(await jwks()));
  app.get('/.well-known/openid-configuration', async () => {
    const iss = identityIssuer(deps.config.publicUrl);
    return {
      issuer: iss,
      jwks_uri: `${iss}/.well-known/jwks_uri`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS512'],
      claims_supported: ['iss', 'sub', 'aud', 'amr', 'iat', 'exp', 'https://cognito-identity.amazonaws.com/identity-pool-arn'],
    };
  });
}
