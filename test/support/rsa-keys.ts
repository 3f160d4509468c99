// Test support: RSA-2048 key pairs without the cost of generating them (100-300 ms of CPU each, two per user pool).
// Each pair is built from two of the 64 fixed 1024-bit primes in rsa-primes.json: 2016 different moduli, handed out
// in turn, so no two keys of one test process are alike (as with fresh keys, which production and every test of a
// real process still generate; src/tokens/keys.test.ts checks those). Past 2016, fresh ones are generated.
// rsa-primes.json was made with node:crypto's generatePrimeSync(1024, { bigint: true }), keeping primes whose top two
// bits are set (any two multiply to exactly 2048 bits) and for which 65537 is invertible mod p - 1.
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyPairKeyObjectResult } from 'node:crypto';
import { promisify } from 'node:util';
import primesHex from './rsa-primes.json' with { type: 'json' };

const primes = (primesHex as string[]).map((h) => BigInt(`0x${h}`));
const E = 65537n;

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [a % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

function b64url(n: bigint): string {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Buffer.from(hex, 'hex').toString('base64url');
}

/** The RSA key pair of primes p and q (e = 65537), as node:crypto KeyObjects. */
function keyPairOf(p: bigint, q: bigint): KeyPairKeyObjectResult {
  const n = p * q;
  const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
  const d = modInverse(E, lambda);
  const jwk = {
    kty: 'RSA',
    n: b64url(n),
    e: b64url(E),
    d: b64url(d),
    p: b64url(p),
    q: b64url(q),
    dp: b64url(d % (p - 1n)),
    dq: b64url(d % (q - 1n)),
    qi: b64url(modInverse(q, p)),
  };
  const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

const generate = promisify(generateKeyPair);
let next = 0;

/** A 2048-bit RSA key pair unlike any other this process was given. */
export async function testRsaKeyPair(modulusLength: number): Promise<KeyPairKeyObjectResult> {
  const pairs = (primes.length * (primes.length - 1)) / 2;
  if (modulusLength !== 2048 || next >= pairs) return generate('rsa', { modulusLength });
  // the k-th pair (i < j) in order
  let k = next++;
  let i = 0;
  while (k >= primes.length - 1 - i) {
    k -= primes.length - 1 - i;
    i++;
  }
  return keyPairOf(primes[i]!, primes[i + 1 + k]!);
}
