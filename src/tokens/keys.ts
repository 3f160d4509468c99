// Per-pool RSA signing keys: made at pool creation, published as JWKS, rotated by keeping old keys until their tokens
// expire (or, revoked, retiring them at once).
import { createPrivateKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { KeyUse, SigningKeyRecord } from '../storage/records.ts';
import type { Random } from '../runtime/random.ts';
import type { SecretBox } from '../runtime/secrets.ts';

const genKeyPair = promisify(generateKeyPair);

/** Makes a new RS256 key pair for `use`, its private half sealed by the master key. */
export async function newSigningKey(
  d: { random: Random; secrets: SecretBox; now: number },
  poolId: string,
  use: KeyUse,
): Promise<SigningKeyRecord> {
  const { publicKey, privateKey } = await (d.random.rsaKeyPair?.(2048) ?? genKeyPair('rsa', { modulusLength: 2048 }));
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  return {
    // Cognito's kids are base64 of 32 bytes (e.g. "yNulGv+Txz6O/LErWM9aMN3r709S03FQX17zuBH9qGg=").
    kid: d.random.bytes(32).toString('base64'),
    poolId,
    use,
    alg: 'RS256',
    publicJwk: { kty: jwk.kty, n: jwk.n, e: jwk.e },
    privateSealed: d.secrets.encrypt(pem),
    certificate: null,
    createdAt: d.now,
    retiresAt: null,
  };
}

/** The keys a new pool gets: one for ID tokens, one for access tokens (Cognito signs them with different kids). */
export async function newPoolKeys(d: { random: Random; secrets: SecretBox; now: number }, poolId: string): Promise<SigningKeyRecord[]> {
  return Promise.all([newSigningKey(d, poolId, 'id'), newSigningKey(d, poolId, 'access')]);
}

/** Whether a key with this retiresAt has retired by `now` (from its retiresAt on, it verifies nothing). */
export function retired(retiresAt: number | null, now: number): boolean {
  return retiresAt !== null && retiresAt <= now;
}

/** Keys still valid for verification at `now` (active ones and rotated ones not yet retired). */
export function publishedKeys(keys: SigningKeyRecord[], now: number): SigningKeyRecord[] {
  return keys.filter((k) => k.use !== 'saml' && !retired(k.retiresAt, now));
}

export function jwks(keys: SigningKeyRecord[], now: number): { keys: Record<string, unknown>[] } {
  return {
    keys: publishedKeys(keys, now).map((k) => ({ alg: k.alg, e: k.publicJwk.e, kid: k.kid, kty: k.publicJwk.kty, n: k.publicJwk.n, use: 'sig' })),
  };
}

/** The key that signs new tokens of `use`: the newest not rotated out. */
export function activeKey(keys: SigningKeyRecord[], use: KeyUse): SigningKeyRecord | undefined {
  return keys.filter((k) => k.use === use && k.retiresAt === null).sort((a, b) => b.createdAt - a.createdAt)[0];
}

/** Unsealed private KeyObjects, cached by kid (a kid's key never changes, so the cache cannot go stale). */
export class PrivateKeyCache {
  private cache = new Map<string, KeyObject>();
  constructor(private secrets: SecretBox) {}
  get(k: SigningKeyRecord): KeyObject {
    let ko = this.cache.get(k.kid);
    if (!ko) {
      ko = createPrivateKey(this.secrets.decryptString(k.privateSealed));
      if (this.cache.size > 10000) this.cache.clear();
      this.cache.set(k.kid, ko);
    }
    return ko;
  }
}

