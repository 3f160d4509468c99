import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import createUserPool from './create-user-pool.ts';
import op from './get-user-pool-mfa-config.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
before(async () => {
  deps = await makeTestDeps({ clock: new FixedClock() });
});

test('a new pool has MFA OFF and no factor', async () => {
  const id = (await createUserPool.handle({ PoolName: 'm' }, deps, ctx)).UserPool!.Id!;
  const out = await op.handle({ UserPoolId: id }, deps, ctx);
  assert.deepEqual(out, { MfaConfiguration: 'OFF' });
  assert.deepEqual(checkOutput(model, 'GetUserPoolMfaConfig', out), []);
});

test('a pool created with MFA and SMS reports the SMS factor from its SMS settings', async () => {
  const sms = { SnsCallerArn: 'arn:aws:iam::000000000000:role/sms', ExternalId: 'x' };
  const id = (await createUserPool.handle({ PoolName: 'm', MfaConfiguration: 'ON', SmsConfiguration: sms, SmsAuthenticationMessage: 'Code {####}' }, deps, ctx)).UserPool!.Id!;
  assert.deepEqual(await op.handle({ UserPoolId: id }, deps, ctx), {
    SmsMfaConfiguration: { SmsAuthenticationMessage: 'Code {####}', SmsConfiguration: sms },
    MfaConfiguration: 'ON',
  });
});

test('an unknown pool is ResourceNotFoundException', async () => {
  await assert.rejects(op.handle({ UserPoolId: 'us-east-1_nope' }, deps, ctx), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'ResourceNotFoundException');
    assert.ok(model.operations.GetUserPoolMfaConfig!.errors.includes(e.code!));
    assert.equal(e.message, 'User pool us-east-1_nope does not exist.');
    return true;
  });
});
