// Server side of Cognito's SRP-6a variant (USER_SRP_AUTH / PASSWORD_VERIFIER, and the
// DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER device variant), as pure functions: no I/O,
// randomness is passed in by the caller. See COGNITO-API.md §4 (shared design notes).
//
// Wire-compatible with amazon-cognito-identity-js (AuthenticationHelper.js) and Amplify v6:
//   N, g = 2            RFC 3526 3072-bit MODP group (OpenSSL / node:crypto "modp15")
//   padHex(n)           hex of n, '0'-prefixed to even length, '00'-prefixed when the top bit
//                       is set (Java BigInteger.toByteArray two's-complement form; n >= 0 here)
//   H                   SHA-256; hexHash(h) = H(bytes(h))
//   k = H(padHex(N) | padHex(g))
//   x = H(padHex(salt) | H(poolName + userIdForSrp + ':' + password))   v = g^x mod N
//   B = (k·v + g^b) mod N
//   u = H(padHex(A) | padHex(B))
//   S = (A · v^u)^b mod N
//   K = HKDF-SHA256(ikm = padHex(S), salt = padHex(u), info = "Caldera Derived Key")[0..16)
//       (one block: HMAC(HMAC(u, S), info | 0x01), truncated to 16 bytes)
//   signature = Base64(HMAC-SHA256(K, poolName | userIdForSrp | secretBlockBytes | timestamp))
//
// Device SRP uses exactly the same functions: pass the DeviceGroupKey as `poolName` and the
// DeviceKey as `userIdForSrp` (the "password" is the device's random password, which only the
// client knows; the server stores the salt/verifier it receives in ConfirmDevice's
// DeviceSecretVerifierConfig, base64 of the padHex bytes — convert to hex before use).
//
// Every modular exponentiation goes through node:crypto's Diffie-Hellman (OpenSSL BN_mod_exp,
// constant-time for the private exponent). A DH object is always created over the standard group
// (N, g = 2): OpenSSL recognises it as a named safe-prime group, so construction is cheap.
//   base^e with base = g:   setPrivateKey(e); generateKeys()  -> g^e mod N
//   base^e for other bases: setPrivateKey(e); computeSecret(base) -> base^e mod N
// A DH object whose *generator* is an arbitrary value (v, A·v^u) would also compute the right
// thing, but Node runs DH_check on every non-standard group at construction time, which
// primality-tests the 3072-bit prime (measured ~2.4 s per object), so computeSecret is used.
// computeSecret only accepts peer values in [2, N-2]; the degenerate bases 0, 1 and N-1 are
// handled without exponentiation. BigInt is used only for the few modular additions and
// multiplications (k·v + g^b, A·v^u), never for an exponentiation.

import { createDiffieHellman, createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export const SRP_N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1' +
  '29024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245' +
  'E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D' +
  'C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D' +
  '670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9' +
  'DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64' +
  'ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B' +
  'F12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31' +
  '43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';
export const SRP_G_HEX = '2';

const N_BUF = Buffer.from(SRP_N_HEX, 'hex');
const G_BUF = Buffer.from('02', 'hex');
const N = BigInt('0x' + SRP_N_HEX);
const G = BigInt('0x' + SRP_G_HEX);
const HKDF_INFO = Buffer.from('Caldera Derived Key', 'utf8');
const HEX_RE = /^[0-9a-fA-F]+$/;

/** Smallest/largest accepted server private value b, in bytes. */
const B_MIN_BYTES = 32;
const B_MAX_BYTES = 256;

// ---------------------------------------------------------------------------------------------
// helpers

function sha256(...parts: Buffer[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** Parses a non-negative hex integer (any case, leading zeros allowed); throws `Error(what)`. */
function hexToBig(hex: string, what: string): bigint {
  if (typeof hex !== 'string' || !HEX_RE.test(hex)) throw new Error(what);
  return BigInt('0x' + hex);
}

/** The client's padHex (AuthenticationHelper.padHex) for n >= 0, lower case. */
function padHex(n: bigint): string {
  let h = n.toString(16);
  if (h.length % 2 !== 0) h = '0' + h;
  if (/^[89a-f]/.test(h)) h = '00' + h;
  return h;
}

function padBytes(n: bigint): Buffer {
  return Buffer.from(padHex(n), 'hex');
}

/** Minimal big-endian bytes of n >= 0 (at least one byte). */
function bigToBuf(n: bigint): Buffer {
  let h = n.toString(16);
  if (h.length % 2 !== 0) h = '0' + h;
  return Buffer.from(h, 'hex');
}

function bufToBig(b: Buffer): bigint {
  return b.length === 0 ? 0n : BigInt('0x' + b.toString('hex'));
}

function isZero(b: Buffer): boolean {
  for (const byte of b) if (byte !== 0) return false;
  return true;
}

/**
 * base^exp mod N through node:crypto's Diffie-Hellman; base must already be reduced into [0, N).
 * exp is the big-endian exponent (0 < exp < N for every use here).
 */
function modPowN(base: bigint, exp: Buffer): bigint {
  if (base < 0n || base >= N) throw new RangeError('modPowN: base not reduced');
  if (isZero(exp)) return 1n;
  // Degenerate bases that OpenSSL refuses as DH peer values (it accepts only [2, N-2]).
  if (base === 0n || base === 1n) return base;
  if (base === N - 1n) return (exp[exp.length - 1]! & 1) === 1 ? N - 1n : 1n;
  const dh = createDiffieHellman(N_BUF, G_BUF);
  dh.setPrivateKey(exp);
  if (base === G) return bufToBig(dh.generateKeys());
  return bufToBig(dh.computeSecret(bigToBuf(base)));
}

/** k = H(padHex(N) | padHex(g)) */
const K = bufToBig(sha256(padBytes(N), padBytes(G)));

/** x = H(padHex(salt) | H(poolName + userIdForSrp + ':' + password)) as exponent bytes. */
function computeX(poolName: string, userIdForSrp: string, password: string, saltHex: string): Buffer {
  const inner = sha256(Buffer.from(`${poolName}${userIdForSrp}:${password}`, 'utf8'));
  return sha256(Buffer.from(saltHex, 'hex'), inner);
}

// ---------------------------------------------------------------------------------------------
// API

/**
 * Computes the stored verifier for a password: salt (16 random bytes given by the caller) and
 * v = g^x where x = H(padHex(salt) | H(poolName + userIdForSrp + ':' + password)).
 * Returns hex strings exactly as the client computes them (padHex rules: the salt is read as a
 * positive integer, so a leading zero byte is dropped and a set top bit gets a '00' prefix).
 * For device SRP pass (deviceGroupKey, deviceKey, devicePassword, salt).
 */
export function computeVerifier(
  poolName: string,
  userIdForSrp: string,
  password: string,
  salt: Buffer,
): { saltHex: string; verifierHex: string } {
  if (!Buffer.isBuffer(salt) || salt.length === 0) throw new Error('salt');
  const saltHex = padHex(bufToBig(salt));
  const x = computeX(poolName, userIdForSrp, password, saltHex);
  const v = modPowN(G, x);
  return { saltHex, verifierHex: padHex(v) };
}

/**
 * A verifier for a simulated challenge (a name nobody has), from a secret `seed` instead of a password: the square of
 * the seed's expansion mod N. Like a real v = g^x it lies in the subgroup g generates (the quadratic residues: 2 is
 * one mod this N), so B = k·v + g^b is distributed alike; but it costs a hash and one multiplication where g^x costs
 * an exponentiation, which a real user's sign-in never pays (their verifier is computed when the password is set).
 */
export function verifierFromSeed(seed: Buffer, salt: Buffer): { saltHex: string; verifierHex: string } {
  if (!Buffer.isBuffer(salt) || salt.length === 0) throw new Error('salt');
  const r = bufToBig(createHash('shake256', { outputLength: 400 }).update(seed).digest()) % N;
  let v = (r * r) % N;
  if (v < 2n) v = 4n; // not reached in practice; keeps v a valid, non-degenerate residue
  return { saltHex: padHex(bufToBig(salt)), verifierHex: padHex(v) };
}

/**
 * Round 1: given the stored verifier and the client's SRP_A (hex), and the server's private
 * random b (32..256 random bytes from the caller), returns SRP_B (plain hex, as Cognito sends
 * it) and the state to keep in the Session (bHex, and uHex = H(A | B), all round 2 needs of B: keeping it spares
 * round 2 recomputing g^b). Throws Error('SRP_A') if A is not hex or A mod N == 0.
 */
export function startServerSession(
  verifierHex: string,
  srpAHex: string,
  b: Buffer,
): { srpBHex: string; bHex: string; uHex: string } {
  const A = hexToBig(srpAHex, 'SRP_A');
  if (A % N === 0n) throw new Error('SRP_A');
  const v = hexToBig(verifierHex, 'verifier') % N;
  if (!Buffer.isBuffer(b) || b.length < B_MIN_BYTES || b.length > B_MAX_BYTES || isZero(b)) {
    throw new RangeError(`b must be ${B_MIN_BYTES}..${B_MAX_BYTES} random bytes`);
  }
  const gb = modPowN(G, b);
  const B = (K * v + gb) % N;
  return { srpBHex: B.toString(16), bHex: b.toString('hex'), uHex: sha256(padBytes(A), padBytes(B)).toString('hex') };
}

/**
 * Round 2: the expected PASSWORD_CLAIM_SIGNATURE (base64) for poolName, userIdForSrp,
 * secretBlock (base64 string as sent back by the client), timestamp (string exactly as the
 * client sent it), given A, B (or round 1's uHex = H(A | B) in its place), b and the verifier. The salt is not
 * needed: v already binds it.
 * Throws Error('SRP_A') for a malformed/zero A and Error('SRP_U') if u == 0.
 * Device SRP: poolName = DeviceGroupKey, userIdForSrp = DeviceKey.
 */
export function expectedSignature(p: {
  poolName: string;
  userIdForSrp: string;
  secretBlockB64: string;
  timestamp: string;
  srpAHex: string;
  bHex: string;
  verifierHex: string;
} & ({ srpBHex: string } | { uHex: string })): string {
  const A = hexToBig(p.srpAHex, 'SRP_A');
  const Ared = A % N;
  if (Ared === 0n) throw new Error('SRP_A');
  const v = hexToBig(p.verifierHex, 'verifier') % N;
  if (typeof p.bHex !== 'string' || !HEX_RE.test(p.bHex) || p.bHex.length % 2 !== 0) throw new Error('b');
  const b = Buffer.from(p.bHex, 'hex');
  if (isZero(b)) throw new Error('b');

  // u = H(padHex(A) | padHex(B)) — A as the client sent it (the client hashes its own A).
  const uBytes = 'uHex' in p ? uFromHex(p.uHex) : sha256(padBytes(A), padBytes(hexToBig(p.srpBHex, 'SRP_B')));
  const u = bufToBig(uBytes);
  if (u === 0n) throw new Error('SRP_U');

  // S = (A · v^u)^b mod N
  const vu = modPowN(v, uBytes);
  const S = modPowN((Ared * vu) % N, b);

  const key = Buffer.from(hkdfSync('sha256', padBytes(S), padBytes(u), HKDF_INFO, 16));
  return createHmac('sha256', key)
    .update(Buffer.from(p.poolName, 'utf8'))
    .update(Buffer.from(p.userIdForSrp, 'utf8'))
    .update(Buffer.from(p.secretBlockB64, 'base64'))
    .update(Buffer.from(p.timestamp, 'utf8'))
    .digest('base64');
}

/** Round 1's u (32 bytes of hex). */
function uFromHex(uHex: string): Buffer {
  if (typeof uHex !== 'string' || !/^[0-9a-f]{64}$/.test(uHex)) throw new Error('SRP_U');
  return Buffer.from(uHex, 'hex');
}

/**
 * True iff PASSWORD_CLAIM_SIGNATURE matches (constant-time comparison of the decoded bytes).
 * Returns false (rather than throwing) for a malformed A or u == 0.
 */
export function verifyPasswordClaim(
  p: Parameters<typeof expectedSignature>[0] & { signatureB64: string },
): boolean {
  if (typeof p.signatureB64 !== 'string') return false;
  let expected: Buffer;
  try {
    expected = Buffer.from(expectedSignature(p), 'base64');
  } catch (err) {
    if (err instanceof Error && (err.message === 'SRP_A' || err.message === 'SRP_U' || err.message === 'SRP_B')) {
      return false;
    }
    throw err;
  }
  const given = Buffer.from(p.signatureB64, 'base64');
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const TS_RE = /^([A-Z][a-z]{2}) ([A-Z][a-z]{2}) ([1-9]\d?) (\d{1,2}):(\d{2}):(\d{2}) UTC (\d{4})$/;

/**
 * Parses the TIMESTAMP Cognito SRP clients send: `EEE MMM d HH:mm:ss 'UTC' yyyy` in UTC with
 * English names and an unpadded day of month, e.g. 'Wed Apr 5 22:42:34 UTC 2017'
 * (amazon-cognito-identity-js DateHelper.getNowString, Amplify v6 getNowString, the Android/iOS
 * SDKs, pycognito). The hour is accepted with or without zero-padding. Like AWS, a zero-padded
 * day ('Apr 05'), a weekday that does not match the date, or an impossible date yields null.
 * The signature is always computed over the string as received; this is only for an optional
 * freshness check (e.g. within ±5 minutes of now).
 */
export function parseSrpTimestamp(ts: string): Date | null {
  if (typeof ts !== 'string') return null;
  const m = TS_RE.exec(ts);
  if (!m) return null;
  const weekday = WEEKDAYS.indexOf(m[1]!);
  const month = MONTHS.indexOf(m[2]!);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  const year = Number(m[7]);
  if (weekday < 0 || month < 0 || hour > 23 || minute > 59 || second > 59) return null;
  const d = new Date(Date.UTC(year, month, day, hour, minute, second));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month || d.getUTCDate() !== day) return null;
  if (d.getUTCDay() !== weekday) return null;
  return d;
}

// ---------------------------------------------------------------------------------------------
// The client side, on the same node:crypto primitives: for benchmarks and tools only (the tests
// prove the server against the real amazon-cognito-identity-js client, never against this).

/** Client round 1: a fresh private a (32 bytes from the caller) and SRP_A. */
export function clientStart(a: Buffer): { aHex: string; srpAHex: string } {
  return { aHex: a.toString('hex'), srpAHex: modPowN(G, a).toString(16) };
}

/** Client round 2: PASSWORD_CLAIM_SIGNATURE for the server's challenge parameters. */
export function clientSignature(p: {
  poolName: string;
  userIdForSrp: string;
  password: string;
  saltHex: string;
  srpBHex: string;
  secretBlockB64: string;
  timestamp: string;
  aHex: string;
  srpAHex: string;
}): string {
  const A = hexToBig(p.srpAHex, 'SRP_A');
  const B = hexToBig(p.srpBHex, 'SRP_B');
  const a = hexToBig(p.aHex, 'a');
  const uBytes = sha256(padBytes(A), padBytes(B));
  const u = bufToBig(uBytes);
  const saltHex = padHex(hexToBig(p.saltHex, 'salt'));
  const xBytes = computeX(p.poolName, p.userIdForSrp, p.password, saltHex);
  const gx = modPowN(G, xBytes);
  const base = (((B - K * gx) % N) + N) % N;
  const S = modPowN(base, bigToBuf(a + u * bufToBig(xBytes)));
  const key = Buffer.from(hkdfSync('sha256', padBytes(S), padBytes(u), HKDF_INFO, 16));
  return createHmac('sha256', key)
    .update(Buffer.from(p.poolName, 'utf8'))
    .update(Buffer.from(p.userIdForSrp, 'utf8'))
    .update(Buffer.from(p.secretBlockB64, 'base64'))
    .update(Buffer.from(p.timestamp, 'utf8'))
    .digest('base64');
}

/** The timestamp format Cognito clients send: 'Sun Nov 22 0:29:28 UTC 2026' (unpadded day). */
export function srpTimestamp(d: Date): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${WEEKDAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}
