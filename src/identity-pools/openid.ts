// The identity pools as an OpenID provider (issue 10, COGNITO-API §3.8): RS512 key pairs for the installation, sealed
// by the master key in one row of the store's meta table (every server sharing the database reads the same), the
// discovery document at `{public-url}/.well-known/openid-configuration` and the JWKS at `/.well-known/jwks_uri`
// (Cognito's path name) and `/.well-known/jwks.json`, so an outside relying party (IAM, MinIO, Vault, any OIDC client)
// can trust the OpenID tokens GetOpenIdToken hands out. `cognate identity-key rotate` makes a new signing key; the
// previous ones stay published until the tokens they signed have expired (at most 24 h), then are dropped.
import { generateKeyPair, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { SignJWT, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import type { Deps } from '../deps.ts';
import { KEY_RECHECK_MS } from '../tokens/verify.ts';

const genKeyPair = promisify(generateKeyPair);
const META_NAME = 'identity_openid_key';
/** The longest an OpenID token lives: TokenDuration's maximum for developer identities (GetOpenIdToken's is 600 s). */
const MAX_TOKEN_LIFETIME_MS = 24 * 3600 * 1000;

/** One key as sealed in the store. The first installations stored a single `{kid, pem}`: read as a set of one. */
interface StoredKey {
  kid: string;
  pem: string;
  createdAt: number;
  /** When it leaves the JWKS; null for the signing key. */
  retiresAt: number | null;
}

export interface IdentityKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  retiresAt: number | null;
  jwk: { kty: string; n: string; e: string; alg: 'RS512'; use: 'sig'; kid: string };
}

/** The unsealed set, newest first, as this process last read it (deps.caches.identityKeys). */
export interface CachedIdentityKeys {
  sealed: string;
  keys: IdentityKey[];
  stored: StoredKey[];
  checkedAt: number;
}

export type OpenIdDeps = Pick<Deps, 'store' | 'secrets' | 'config' | 'clock' | 'caches'>;

function unseal(deps: OpenIdDeps, sealed: string, checkedAt: number): CachedIdentityKeys {
  const parsed = JSON.parse(deps.secrets.decryptString(sealed)) as { kid: string; pem: string; keys?: StoredKey[] };
  const stored = parsed.keys ?? [{ kid: parsed.kid, pem: parsed.pem, createdAt: 0, retiresAt: null }];
  const keys = stored.map(({ kid, pem, retiresAt }) => {
    const privateKey = createPrivateKey(pem);
    const publicKey = createPublicKey(privateKey);
    const pub = publicKey.export({ format: 'jwk' }) as { kty: string; n: string; e: string };
    return { kid, privateKey, publicKey, retiresAt, jwk: { kty: pub.kty, n: pub.n, e: pub.e, alg: 'RS512' as const, use: 'sig' as const, kid } };
  });
  return { sealed, keys, stored, checkedAt };
}

async function newKey(kid: string, now: number): Promise<StoredKey> {
  const { privateKey } = await genKeyPair('rsa', { modulusLength: 2048 });
  return { kid, pem: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, createdAt: now, retiresAt: null };
}

const loading = new WeakMap<object, Promise<CachedIdentityKeys>>();

/**
 * The key set, from this process's cache while it is fresh (KEY_RECHECK_MS, as user-pool keys), else re-read from the
 * store — so a rotation by any server or by the CLI reaches every server sharing the database within seconds. The
 * first server to need a key makes it.
 */
async function keySet(deps: OpenIdDeps): Promise<CachedIdentityKeys> {
  const now = deps.clock.now();
  const cached = deps.caches.identityKeys.get(META_NAME);
  if (cached && Math.abs(now - cached.checkedAt) < KEY_RECHECK_MS) return cached;
  let p = loading.get(deps.caches);
  if (!p) {
    p = (async () => {
      let sealed = await deps.store.meta.get(META_NAME);
      // Cognito's kids are the region and a number (e.g. "us-east-11").
      if (sealed === null) sealed = await deps.store.meta.setIfAbsent(META_NAME, seal(deps, [await newKey(`${deps.config.region}1`, now)]));
      const set = cached?.sealed === sealed ? { ...cached, checkedAt: now } : unseal(deps, sealed, now);
      deps.caches.identityKeys.set(META_NAME, set);
      return set;
    })().finally(() => loading.delete(deps.caches));
    loading.set(deps.caches, p);
  }
  return p;
}

/** Sealed with the signing key also as the top-level `{kid, pem}` that earlier versions read, for rolling upgrades. */
function seal(deps: OpenIdDeps, keys: StoredKey[]): string {
  const signing = keys.find((k) => k.retiresAt === null)!;
  return deps.secrets.encrypt(JSON.stringify({ kid: signing.kid, pem: signing.pem, keys }));
}

const published = (k: IdentityKey, now: number) => k.retiresAt === null || k.retiresAt > now;

/** The installation's signing key: the newest one not retiring. */
export async function identityKey(deps: OpenIdDeps): Promise<IdentityKey> {
  const { keys } = await keySet(deps);
  return keys.find((k) => k.retiresAt === null) ?? keys[0]!;
}

/** The published key a token's `kid` names, or undefined (unknown, or retired). */
export async function identityVerificationKey(deps: OpenIdDeps, kid: string | undefined): Promise<KeyObject | undefined> {
  const now = deps.clock.now();
  return (await keySet(deps)).keys.find((k) => k.kid === kid && published(k, now))?.publicKey;
}

/** The JWKS: the signing key and the retiring ones still within the lifetime of tokens they signed. */
export async function identityJwks(deps: OpenIdDeps): Promise<{ keys: IdentityKey['jwk'][] }> {
  const now = deps.clock.now();
  return { keys: (await keySet(deps)).keys.filter((k) => published(k, now)).map((k) => k.jwk) };
}

export interface IdentityKeyRotation {
  kid: string;
  /** The previous keys still published, and until when. */
  retiring: { kid: string; retiresAt: number }[];
}

/**
 * Makes a new signing key; the previous ones stay published for MAX_TOKEN_LIFETIME_MS (or, with `revoke`, leave the
 * JWKS at once and tokens they signed are refused), and keys already past their retirement are dropped. A
 * compare-and-set on the stored set: a rotation racing another one starts again from what the other wrote.
 */
export async function rotateIdentityKey(deps: OpenIdDeps, opts: { revoke?: boolean } = {}): Promise<IdentityKeyRotation> {
  const region = deps.config.region;
  for (;;) {
    const now = deps.clock.now();
    const current = await deps.store.meta.get(META_NAME);
    const stored = current === null ? [] : unseal(deps, current, now).stored;
    const numbers = stored.map((k) => (k.kid.startsWith(region) ? Number(k.kid.slice(region.length)) : NaN)).filter(Number.isInteger);
    const kid = `${region}${Math.max(0, stored.length, ...numbers) + 1}`;
    const until = opts.revoke ? now : now + MAX_TOKEN_LIFETIME_MS;
    const kept = stored
      .map((k) => ({ ...k, retiresAt: k.retiresAt === null || k.retiresAt > until ? until : k.retiresAt }))
      .filter((k) => k.retiresAt > now);
    const next = seal(deps, [await newKey(kid, now), ...kept]);
    const done = current === null ? (await deps.store.meta.setIfAbsent(META_NAME, next)) === next : await deps.store.meta.replace(META_NAME, current, next);
    if (!done) continue;
    deps.caches.identityKeys.set(META_NAME, unseal(deps, next, now));
    return { kid, retiring: kept.map((k) => ({ kid: k.kid, retiresAt: k.retiresAt })) };
  }
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
  // The key the token's kid names among the published ones: tokens signed before a rotation verify until it retires.
  const unknownKey = new Error('unknown kid');
  const keyFor = async ({ kid }: { kid?: string }) => {
    const key = await identityVerificationKey(deps, kid);
    if (!key) throw unknownKey;
    return key;
  };
  try {
    const { payload } = await jwtVerify(token, keyFor, {
      issuer: identityIssuer(deps.config.publicUrl),
      algorithms: ['RS512'],
      currentDate: new Date(deps.clock.now()),
    });
    return { ok: true, claims: payload };
  } catch (e) {
    if (e !== unknownKey && !(e instanceof joseErrors.JOSEError)) throw e; // the store failing
    return { ok: false, reason: e instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
  }
}

export function registerIdentityOpenId(app: FastifyInstance, deps: OpenIdDeps): void {
  const jwks = () => identityJwks(deps);
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
