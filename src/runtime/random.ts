// The injected source of randomness: ids, secrets and codes come from here so tests can pin them.
import { randomBytes, randomInt, randomUUID, type KeyPairKeyObjectResult } from 'node:crypto';

export interface Random {
  bytes(n: number): Buffer;
  uuid(): string;
  /** n characters drawn uniformly from alphabet. */
  string(n: number, alphabet: string): string;
  /** Integer in [0, max). */
  int(max: number): number;
  /** A new RSA key pair; when absent (production), node:crypto generates one. Tests give a cheaper source. */
  rsaKeyPair?(modulusLength: number): Promise<KeyPairKeyObjectResult>;
}

export const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const LOWER_ALNUM = '0123456789abcdefghijklmnopqrstuvwxyz';

export const cryptoRandom: Random = {
  bytes: (n) => randomBytes(n),
  uuid: () => randomUUID(),
  string(n, alphabet) {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
    return s;
  },
  int: (max) => randomInt(max),
};

/** Deterministic randomness for tests (xorshift seeded). Not for production. */
export function seededRandom(seed = 42): Random {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  const bytes = (n: number) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = next() & 0xff;
    return b;
  };
  return {
    bytes,
    uuid() {
      const b = bytes(16);
      b[6] = (b[6]! & 0x0f) | 0x40;
      b[8] = (b[8]! & 0x3f) | 0x80;
      const h = b.toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
    string(n, alphabet) {
      let s = '';
      for (let i = 0; i < n; i++) s += alphabet[next() % alphabet.length];
      return s;
    },
    int: (max) => next() % max,
  };
}
