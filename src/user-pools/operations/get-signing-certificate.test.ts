import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import { jwks } from '../../tokens/keys.ts';
import createUserPool from './create-user-pool.ts';
import op from './get-signing-certificate.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
const clock = new FixedClock(Date.UTC(2026, 10, 22, 12, 0, 0));
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
before(async () => {
  deps = await makeTestDeps({ clock });
});

test('a self-signed RSA 2048 certificate for the pool, base64 DER, the same on every call', async () => {
  const id = (await createUserPool.handle({ PoolName: 's' }, deps, ctx)).UserPool!.Id!;
  const out = await op.handle({ UserPoolId: id }, deps, ctx);
  assert.deepEqual(checkOutput(model, 'GetSigningCertificate', out), []);
  assert.match(out.Certificate!, /^MII[A-Za-z0-9+/]+=*$/);
  const cert = new X509Certificate(Buffer.from(out.Certificate!, 'base64'));
  assert.equal(cert.subject, `CN=${id}`);
  assert.equal(cert.issuer, `CN=${id}`);
  assert.ok(cert.verify(cert.publicKey));
  assert.equal(cert.publicKey.asymmetricKeyDetails!.modulusLength, 2048);
  assert.equal(new Date(cert.validFrom).toISOString(), '2026-11-22T12:00:00.000Z');
  assert.equal(new Date(cert.validTo).toISOString(), '2036-11-22T12:00:00.000Z');

  clock.advance(1000);
  assert.deepEqual(await op.handle({ UserPoolId: id }, deps, ctx), out);
  const keys = await deps.store.keys.listForPool(id);
  const saml = keys.filter((k) => k.use === 'saml');
  assert.equal(saml.length, 1);
  assert.match(saml[0]!.certificate!, /^-----BEGIN CERTIFICATE-----\n/);
  // The SAML key never signs tokens, so the JWKS does not publish it.
  assert.equal(jwks(keys, clock.now()).keys.length, 2);
});

test('servers that raced to make the first certificate all answer the oldest', async () => {
  const id = (await createUserPool.handle({ PoolName: 'race' }, deps, ctx)).UserPool!.Id!;
  const [a, b] = await Promise.all([op.handle({ UserPoolId: id }, deps, ctx), op.handle({ UserPoolId: id }, deps, ctx)]);
  const again = await op.handle({ UserPoolId: id }, deps, ctx);
  assert.ok([a.Certificate, b.Certificate].includes(again.Certificate));
  assert.deepEqual(await op.handle({ UserPoolId: id }, deps, ctx), again);
});

test('an unknown pool is ResourceNotFoundException', async () => {
  await assert.rejects(op.handle({ UserPoolId: 'us-east-1_nope' }, deps, ctx), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'ResourceNotFoundException');
    assert.equal(e.message, 'User pool us-east-1_nope does not exist.');
    assert.ok(model.operations.GetSigningCertificate!.errors.includes(e.code!));
    return true;
  });
});

test('a pool deleted while its key is made → ResourceNotFoundException (found by the fuzz suite: was a 500)', async () => {
  const d = await makeTestDeps({ clock });
  const id = (await createUserPool.handle({ PoolName: 'gone' }, d, ctx)).UserPool!.Id!;
  const add = d.store.keys.add.bind(d.store.keys);
  // DeleteUserPool lands between the pool lookup and the insert of the new key.
  d.store.keys.add = async (keys) => {
    await d.store.pools.delete(id);
    return add(keys);
  };
  await assert.rejects(op.handle({ UserPoolId: id }, d, ctx), (e: any) => e.code === 'ResourceNotFoundException');
});
