// Pool signing keys as production makes them (node:crypto RSA-2048, e = 65537), and the test stock that stands in
// for them elsewhere (test/support/rsa-keys.ts): distinct, 2048-bit, signing and verifying.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import { cryptoRandom } from '../runtime/random.ts';
import { secretBox } from '../runtime/secrets.ts';
import { newPoolKeys } from './keys.ts';
import { testRsaKeyPair } from '../../test/support/rsa-keys.ts';

const bits = (n: string) => Buffer.from(n, 'base64url').length * 8;

test('a new pool gets two generated RSA-2048 keys (e = 65537), its private halves sealed', async () => {
  const secrets = secretBox(randomBytes(32));
  assert.equal(cryptoRandom.rsaKeyPair, undefined, 'production generates its keys');
  const keys = await newPoolKeys({ random: cryptoRandom, secrets, now: 1 }, 'us-east-1_abc');
  assert.deepEqual(keys.map((k) => k.use), ['id', 'access']);
  for (const k of keys) {
    assert.equal(k.publicJwk.kty, 'RSA');
    assert.equal(k.publicJwk.e, 'AQAB');
    assert.equal(bits(k.publicJwk.n as string), 2048);
    const pem = secrets.decryptString(k.privateSealed);
    const sig = sign('sha256', Buffer.from('x'), pem);
    assert.ok(verify('sha256', Buffer.from('x'), createPublicKey({ key: k.publicJwk as never, format: 'jwk' }), sig));
  }
  assert.notEqual(keys[0]!.publicJwk.n, keys[1]!.publicJwk.n);
});

test("the tests' stock: distinct 2048-bit key pairs that sign and verify", async () => {
  const seen = new Set<string>();
  for (let i = 0; i < 70; i++) {
    const { privateKey, publicKey } = await testRsaKeyPair(2048);
    const jwk = publicKey.export({ format: 'jwk' });
    assert.equal(bits(jwk.n!), 2048);
    assert.equal(jwk.e, 'AQAB');
    assert.ok(!seen.has(jwk.n!), `pair ${i} repeats an earlier one`);
    seen.add(jwk.n!);
    const sig = sign('sha256', Buffer.from(`m${i}`), privateKey);
    assert.ok(verify('sha256', Buffer.from(`m${i}`), publicKey, sig));
  }
});
