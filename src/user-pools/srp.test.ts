// Server-side SRP checked against the REAL client: amazon-cognito-identity-js's
// AuthenticationHelper (A, key derivation, device verifiers) and DateHelper (timestamp).
// Only the final signature concatenation of CognitoUser.authenticateUserDefaultAuth /
// getDeviceResponse is reproduced here (HMAC-SHA256 keyed with the library's HKDF output over
// poolName | userId | SECRET_BLOCK bytes | dateNow), with node:crypto instead of @aws-crypto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, getDiffieHellman, randomBytes } from 'node:crypto';
import * as cognitoJs from 'amazon-cognito-identity-js';
import {
  SRP_G_HEX,
  SRP_N_HEX,
  computeVerifier,
  expectedSignature,
  parseSrpTimestamp,
  startServerSession,
  verifierFromSeed,
  verifyPasswordClaim,
} from './srp.ts';

// ---- typing for the parts of the client library that index.d.ts does not declare ----------

interface ClientBigInteger {
  toString(radix: number): string;
}
type ClientBigIntegerCtor = new (value: string, radix: number) => ClientBigInteger;
type NodeCb<T> = (err: Error | null, value: T) => void;
interface ClientAuthenticationHelper {
  N: ClientBigInteger;
  g: ClientBigInteger;
  getLargeAValue(cb: NodeCb<ClientBigInteger>): void;
  getPasswordAuthenticationKey(
    username: string,
    password: string,
    serverBValue: ClientBigInteger,
    salt: ClientBigInteger,
    cb: NodeCb<Buffer>,
  ): void;
  generateHashDevice(deviceGroupKey: string, username: string, cb: NodeCb<null>): void;
  getSaltDevices(): string;
  getVerifierDevices(): string;
  getRandomPassword(): string;
}
interface ClientLib {
  AuthenticationHelper: new (poolName: string) => ClientAuthenticationHelper;
  DateHelper: new () => { getNowString(): string };
}
const { AuthenticationHelper, DateHelper } = cognitoJs as unknown as ClientLib;

/** The client's own BigInteger class (not exported from the package index). */
function clientBigInteger(helper: ClientAuthenticationHelper): ClientBigIntegerCtor {
  return helper.N.constructor as unknown as ClientBigIntegerCtor;
}

function cbPromise<T>(f: (cb: NodeCb<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => f((err, v) => (err ? reject(err) : resolve(v))));
}

// ---- one SRP sign-in: real client against the server functions -----------------------------

interface Stored {
  saltHex: string;
  verifierHex: string;
}

interface SignInOptions {
  /** pool name (or DeviceGroupKey) the client uses */
  poolName: string;
  /** USER_ID_FOR_SRP the server sends and the client signs with (or DeviceKey) */
  userIdForSrp: string;
  /** password the client types (or the device's random password) */
  password: string;
  stored: Stored;
  /** user id the server verifies against, default = userIdForSrp */
  serverUserId?: string;
  /** pool name the server verifies against, default = poolName */
  serverPoolName?: string;
  /** size of the server's private b in bytes */
  bBytes?: number;
  /** replace the timestamp the server sees (tampering) */
  tamperTimestamp?: string;
}

async function signIn(o: SignInOptions): Promise<{ ok: boolean; srpAHex: string; srpBHex: string; timestamp: string }> {
  // Client round 1 (CognitoUser.authenticateUserDefaultAuth / getDeviceResponse)
  const helper = new AuthenticationHelper(o.poolName);
  const A = await cbPromise<ClientBigInteger>((cb) => helper.getLargeAValue(cb));
  const srpAHex = A.toString(16);

  // Server round 1
  const { srpBHex, bHex } = startServerSession(o.stored.verifierHex, srpAHex, randomBytes(o.bBytes ?? 32));
  const secretBlockB64 = randomBytes(96).toString('base64');

  // Client round 2: key derivation by the library, then the same concatenation as CognitoUser
  const BigInteger = clientBigInteger(helper);
  const hkdf = await cbPromise<Buffer>((cb) =>
    helper.getPasswordAuthenticationKey(
      o.userIdForSrp,
      o.password,
      new BigInteger(srpBHex, 16),
      new BigInteger(o.stored.saltHex, 16),
      cb,
    ),
  );
  const dateNow = new DateHelper().getNowString();
  const concatBuffer = Buffer.concat([
    Buffer.from(o.poolName, 'utf8'),
    Buffer.from(o.userIdForSrp, 'utf8'),
    Buffer.from(secretBlockB64, 'base64'),
    Buffer.from(dateNow, 'utf8'),
  ]);
  const signatureB64 = createHmac('sha256', hkdf).update(concatBuffer).digest('base64');

  // Server round 2
  const ok = verifyPasswordClaim({
    poolName: o.serverPoolName ?? o.poolName,
    userIdForSrp: o.serverUserId ?? o.userIdForSrp,
    secretBlockB64,
    timestamp: o.tamperTimestamp ?? dateNow,
    srpAHex,
    srpBHex,
    bHex,
    verifierHex: o.stored.verifierHex,
    signatureB64,
  });
  return { ok, srpAHex, srpBHex, timestamp: dateNow };
}

const POOL = 'AbCdEf123'; // user pool id part after '_'
const USER = '3f0e7a52-1c4b-4d0b-9a55-7b8e2f1d9c10'; // internal username (USER_ID_FOR_SRP)
const PASSWORD = 'Corr3ct-Horse!Battery';

// ---- tests ---------------------------------------------------------------------------------

test('constants match the client and the RFC 3526 3072-bit group', () => {
  const helper = new AuthenticationHelper(POOL);
  assert.equal(SRP_N_HEX.toLowerCase(), helper.N.toString(16));
  assert.equal(SRP_G_HEX, helper.g.toString(16));
  assert.equal(SRP_N_HEX.toLowerCase(), getDiffieHellman('modp15').getPrime('hex'));
});

test('correct password verifies; timestamp from DateHelper parses and is current', async () => {
  const stored = computeVerifier(POOL, USER, PASSWORD, randomBytes(16));
  const r = await signIn({ poolName: POOL, userIdForSrp: USER, password: PASSWORD, stored });
  assert.equal(r.ok, true);
  assert.match(r.srpBHex, /^[1-9a-f][0-9a-f]*$/); // plain hex, no padding
  const when = parseSrpTimestamp(r.timestamp);
  assert.ok(when, `unparsable client timestamp ${r.timestamp}`);
  assert.ok(Math.abs(when.getTime() - Date.now()) < 60_000);
});

test('larger server secrets (128 and 256 bytes) verify too', async () => {
  const stored = computeVerifier(POOL, USER, PASSWORD, randomBytes(16));
  for (const bBytes of [128, 256]) {
    const r = await signIn({ poolName: POOL, userIdForSrp: USER, password: PASSWORD, stored, bBytes });
    assert.equal(r.ok, true, `b of ${bBytes} bytes`);
  }
});

test('wrong password does not verify', async () => {
  const stored = computeVerifier(POOL, USER, PASSWORD, randomBytes(16));
  const r = await signIn({ poolName: POOL, userIdForSrp: USER, password: PASSWORD + 'x', stored });
  assert.equal(r.ok, false);
  const r2 = await signIn({ poolName: POOL, userIdForSrp: USER, password: PASSWORD.toLowerCase(), stored });
  assert.equal(r2.ok, false);
});

test('different user id / pool name does not verify', async () => {
  const stored = computeVerifier(POOL, USER, PASSWORD, randomBytes(16));
  // client derives its key with another user id
  const r1 = await signIn({ poolName: POOL, userIdForSrp: 'someone-else', password: PASSWORD, stored });
  assert.equal(r1.ok, false);
  // client is right, server checks the signature for another user id
  const r2 = await signIn({ poolName: POOL, userIdForSrp: USER, password: PASSWORD, stored, serverUserId: 'someone-else' });
  assert.equal(r2.ok, false);
  // verifier computed for another pool
  const r3 = await signIn({ poolName: 'OtherPool', userIdForSrp: USER, password: PASSWORD, stored });
  assert.equal(r3.ok, false);
});

test('tampered timestamp or signature does not verify', async () => {
  const stored = computeVerifier(POOL, USER, PASSWORD, randomBytes(16));
  const r = await signIn({
    poolName: POOL,
    userIdForSrp: USER,
    password: PASSWORD,
    stored,
    tamperTimestamp: 'Sun Nov 22 0:29:28 UTC 2026',
  });
  assert.equal(r.ok, false);

  const { srpBHex, bHex } = startServerSession(stored.verifierHex, 'abcdef', randomBytes(32));
  const base = {
    poolName: POOL,
    userIdForSrp: USER,
    secretBlockB64: 'AAAA',
    timestamp: 'Wed Apr 5 22:42:34 UTC 2017',
    srpAHex: 'abcdef',
    srpBHex,
    bHex,
    verifierHex: stored.verifierHex,
  };
  const sig = expectedSignature(base);
  assert.equal(verifyPasswordClaim({ ...base, signatureB64: sig }), true);
  const bad = Buffer.from(sig, 'base64');
  bad[0]! ^= 1;
  assert.equal(verifyPasswordClaim({ ...base, signatureB64: bad.toString('base64') }), false);
  assert.equal(verifyPasswordClaim({ ...base, signatureB64: '' }), false);
  assert.equal(verifyPasswordClaim({ ...base, signatureB64: 'not base64 at all!' }), false);
});

test('many random salts (high bit set, leading zero byte, random) all verify', async () => {
  const salts: Buffer[] = [];
  for (let i = 0; i < 4; i++) {
    const s = randomBytes(16);
    s[0] = s[0]! | 0x80; // padHex adds a '00' byte
    salts.push(s);
  }
  for (let i = 0; i < 2; i++) {
    const s = randomBytes(16);
    s[0] = 0; // leading zero byte is dropped by the client's BigInteger
    s[1] = s[1]! | 0x80;
    salts.push(s);
  }
  for (let i = 0; i < 4; i++) salts.push(randomBytes(16));

  let verifierHighBit = 0;
  for (const [i, salt] of salts.entries()) {
    const stored = computeVerifier(POOL, USER, PASSWORD, salt);
    if (salt[0]! >= 0x80) assert.ok(stored.saltHex.startsWith('00') && stored.saltHex.length === 34);
    if (salt[0] === 0) assert.ok(stored.saltHex.length <= 32);
    if (stored.verifierHex.startsWith('00')) verifierHighBit++;
    const r = await signIn({ poolName: POOL, userIdForSrp: USER, password: PASSWORD, stored });
    assert.equal(r.ok, true, `salt ${salt.toString('hex')}`);
    if (i % 4 === 0) {
      const wrong = await signIn({ poolName: POOL, userIdForSrp: USER, password: 'nope', stored });
      assert.equal(wrong.ok, false);
    }
  }
  // informational: how often v needed the '00' prefix in this run
  console.log(`${verifierHighBit}/${salts.length} verifiers had the top bit set`);
});

test('computeVerifier reproduces the client verifier exactly (generateHashDevice)', async () => {
  for (let i = 0; i < 6; i++) {
    const deviceGroupKey = `-${randomBytes(6).toString('base64url')}`;
    const deviceKey = `us-east-1_${randomBytes(8).toString('hex')}`;
    const helper = new AuthenticationHelper(deviceGroupKey);
    await cbPromise<null>((cb) => helper.generateHashDevice(deviceGroupKey, deviceKey, cb));
    const mine = computeVerifier(deviceGroupKey, deviceKey, helper.getRandomPassword(), Buffer.from(helper.getSaltDevices(), 'hex'));
    assert.equal(mine.saltHex, helper.getSaltDevices().toLowerCase());
    assert.equal(mine.verifierHex, helper.getVerifierDevices().toLowerCase());
  }
});

test('device SRP: client-made device verifier round-trips', async () => {
  for (let i = 0; i < 3; i++) {
    const deviceGroupKey = `-${randomBytes(6).toString('base64url')}`;
    const deviceKey = `us-east-1_${randomBytes(16).toString('hex')}`;
    // first sign-in: the client creates the device secret and sends ConfirmDevice
    const creator = new AuthenticationHelper(deviceGroupKey);
    await cbPromise<null>((cb) => creator.generateHashDevice(deviceGroupKey, deviceKey, cb));
    const deviceSecretVerifierConfig = {
      Salt: Buffer.from(creator.getSaltDevices(), 'hex').toString('base64'),
      PasswordVerifier: Buffer.from(creator.getVerifierDevices(), 'hex').toString('base64'),
    };
    const randomPassword = creator.getRandomPassword();
    // server stores it as hex
    const stored: Stored = {
      saltHex: Buffer.from(deviceSecretVerifierConfig.Salt, 'base64').toString('hex'),
      verifierHex: Buffer.from(deviceSecretVerifierConfig.PasswordVerifier, 'base64').toString('hex'),
    };
    // later sign-in: DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER (poolName := DeviceGroupKey)
    const ok = await signIn({ poolName: deviceGroupKey, userIdForSrp: deviceKey, password: randomPassword, stored });
    assert.equal(ok.ok, true);
    const bad = await signIn({ poolName: deviceGroupKey, userIdForSrp: deviceKey, password: randomPassword.slice(1), stored });
    assert.equal(bad.ok, false);
    const otherDevice = await signIn({
      poolName: deviceGroupKey,
      userIdForSrp: deviceKey,
      password: randomPassword,
      stored,
      serverUserId: deviceKey + 'x',
    });
    assert.equal(otherDevice.ok, false);
  }
});

test('verifierFromSeed: stable per seed, in the subgroup g generates as g^x is, formatted as computeVerifier formats', () => {
  const N = BigInt('0x' + SRP_N_HEX);
  const q = (N - 1n) / 2n;
  // Square-and-multiply over BigInt: slow, but only for this check (the server never exponentiates a simulated v).
  const modPow = (b: bigint, e: bigint) => {
    let r = 1n;
    for (b %= N; e > 0n; e >>= 1n, b = (b * b) % N) if (e & 1n) r = (r * b) % N;
    return r;
  };
  const salt = Buffer.from('00f1e2d3c4b5a69788796a5b4c3d2e1f', 'hex');
  const a = verifierFromSeed(Buffer.from('seed-a'), salt);
  assert.deepEqual(verifierFromSeed(Buffer.from('seed-a'), salt), a);
  assert.notEqual(verifierFromSeed(Buffer.from('seed-b'), salt).verifierHex, a.verifierHex);
  const real = computeVerifier('pool', 'user', 'password', salt);
  assert.equal(a.saltHex, real.saltHex);
  for (const v of [real.verifierHex, a.verifierHex]) assert.equal(modPow(BigInt('0x' + v), q), 1n, 'a quadratic residue, like every power of g = 2');
  assert.match(a.verifierHex, /^(00)?[0-9a-f]+$/);
  assert.equal(a.verifierHex.length % 2, 0);
});

test('A ≡ 0 (mod N) and malformed A are rejected', () => {
  const { verifierHex } = computeVerifier(POOL, USER, PASSWORD, randomBytes(16));
  const N = BigInt('0x' + SRP_N_HEX);
  const b = randomBytes(32);
  for (const a of ['0', '00', SRP_N_HEX, SRP_N_HEX.toLowerCase(), (2n * N).toString(16), (5n * N).toString(16)]) {
    assert.throws(() => startServerSession(verifierHex, a, b), { message: 'SRP_A' }, a.slice(0, 10));
  }
  for (const a of ['', 'xyz', '0x12', '12 34', '-1']) {
    assert.throws(() => startServerSession(verifierHex, a, b), { message: 'SRP_A' }, JSON.stringify(a));
  }
  // round 2 also refuses (verifyPasswordClaim -> false)
  const base = {
    poolName: POOL,
    userIdForSrp: USER,
    secretBlockB64: 'AAAA',
    timestamp: 'Wed Apr 5 22:42:34 UTC 2017',
    srpAHex: SRP_N_HEX,
    srpBHex: 'abc',
    bHex: b.toString('hex'),
    verifierHex,
  };
  assert.throws(() => expectedSignature(base), { message: 'SRP_A' });
  assert.equal(verifyPasswordClaim({ ...base, signatureB64: 'AAAA' }), false);
  // A = N + 1 is accepted (not ≡ 0)
  assert.doesNotThrow(() => startServerSession(verifierHex, (N + 1n).toString(16), b));
});

test('b must be 32..256 non-zero bytes', () => {
  const { verifierHex } = computeVerifier(POOL, USER, PASSWORD, randomBytes(16));
  assert.throws(() => startServerSession(verifierHex, 'abc', randomBytes(31)), RangeError);
  assert.throws(() => startServerSession(verifierHex, 'abc', randomBytes(257)), RangeError);
  assert.throws(() => startServerSession(verifierHex, 'abc', Buffer.alloc(32)), RangeError);
  const r = startServerSession(verifierHex, 'abc', randomBytes(32));
  assert.equal(r.bHex.length, 64);
});

test('parseSrpTimestamp', () => {
  const d1 = parseSrpTimestamp('Wed Apr 5 22:42:34 UTC 2017');
  assert.equal(d1?.toISOString(), '2017-04-05T22:42:34.000Z');
  const d2 = parseSrpTimestamp('Sun Nov 22 0:29:28 UTC 2026'); // unpadded hour tolerated
  assert.equal(d2?.toISOString(), '2026-11-22T00:29:28.000Z');
  assert.equal(parseSrpTimestamp('Sun Nov 22 00:29:28 UTC 2026')?.toISOString(), '2026-11-22T00:29:28.000Z');
  assert.equal(parseSrpTimestamp('Thu Jan 1 00:00:00 UTC 1970')?.getTime(), 0);
  assert.equal(parseSrpTimestamp('Thu Feb 29 12:00:00 UTC 2024')?.toISOString(), '2024-02-29T12:00:00.000Z');
  // the client's own output, for the current time
  const now = new DateHelper().getNowString();
  const parsed = parseSrpTimestamp(now);
  assert.ok(parsed && Math.abs(parsed.getTime() - Date.now()) < 60_000, now);

  for (const bad of [
    'Wed Apr 05 22:42:34 UTC 2017', // zero-padded day (AWS rejects)
    'Thu Apr 5 22:42:34 UTC 2017', // wrong weekday
    'Wed Apr 5 22:42:34 GMT 2017',
    'Wed Apr 5 24:00:00 UTC 2017',
    'Wed Apr 5 22:60:34 UTC 2017',
    'Wed Apr 5 22:42:4 UTC 2017',
    'Fri Feb 30 12:00:00 UTC 2024', // no such date
    'wed apr 5 22:42:34 UTC 2017',
    'Wed Apr 5 22:42:34 UTC 2017 ',
    '2017-04-05T22:42:34Z',
    '',
  ]) {
    assert.equal(parseSrpTimestamp(bad), null, bad);
  }
});

test('timing of a full server verification round (informational)', async () => {
  const stored = computeVerifier(POOL, USER, PASSWORD, randomBytes(16));
  const helper = new AuthenticationHelper(POOL);
  const A = await cbPromise<ClientBigInteger>((cb) => helper.getLargeAValue(cb));
  const srpAHex = A.toString(16);
  for (const bBytes of [32, 128]) {
    const rounds = 40;
    let t = 0;
    for (let i = -5; i < rounds; i++) {
      const b = randomBytes(bBytes);
      const start = performance.now();
      const { srpBHex, bHex } = startServerSession(stored.verifierHex, srpAHex, b);
      verifyPasswordClaim({
        poolName: POOL,
        userIdForSrp: USER,
        secretBlockB64: 'c2VjcmV0',
        timestamp: 'Wed Apr 5 22:42:34 UTC 2017',
        srpAHex,
        srpBHex,
        bHex,
        verifierHex: stored.verifierHex,
        signatureB64: 'AAAA',
      });
      if (i >= 0) t += performance.now() - start; // first 5 are warm-up
    }
    console.log(`SRP server round (B + S + HKDF + HMAC), b = ${bBytes} bytes: ${(t / rounds).toFixed(2)} ms`);
  }
  const start = performance.now();
  for (let i = 0; i < 20; i++) computeVerifier(POOL, USER, PASSWORD, randomBytes(16));
  console.log(`computeVerifier: ${((performance.now() - start) / 20).toFixed(2)} ms`);
});
