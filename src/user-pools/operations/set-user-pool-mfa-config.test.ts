import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import createUserPool from './create-user-pool.ts';
import describeUserPool from './describe-user-pool.ts';
import getUserPoolMfaConfig from './get-user-pool-mfa-config.ts';
import op from './set-user-pool-mfa-config.ts';
import type { SetUserPoolMfaConfigRequest } from '../shapes.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let id: string;
before(async () => {
  deps = await makeTestDeps({ clock: new FixedClock() });
  id = (await createUserPool.handle({ PoolName: 'mfa' }, deps, ctx)).UserPool!.Id!;
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.SetUserPoolMfaConfig!.errors.includes(code), `${code} is not declared for SetUserPoolMfaConfig`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

const set = (r: Omit<SetUserPoolMfaConfigRequest, 'UserPoolId'>) => op.handle({ UserPoolId: id, ...r }, deps, ctx);
const get = () => getUserPoolMfaConfig.handle({ UserPoolId: id }, deps, ctx);
const mode = async () => (await describeUserPool.handle({ UserPoolId: id }, deps, ctx)).UserPool!.MfaConfiguration;

const sms = { SnsCallerArn: 'arn:aws:iam::123456789012:role/service-role/test-SMS-Role', ExternalId: 'ext', SnsRegion: 'us-west-2' };

test('sets every factor, answers and stores them, and DescribeUserPool shows the same mode', async () => {
  const all = {
    MfaConfiguration: 'OPTIONAL',
    SmsMfaConfiguration: { SmsAuthenticationMessage: 'Your code: {####}', SmsConfiguration: sms },
    SoftwareTokenMfaConfiguration: { Enabled: true },
    EmailMfaConfiguration: { Message: 'Code {####}', Subject: 'OTP' },
    WebAuthnConfiguration: { RelyingPartyId: 'auth.example.com', UserVerification: 'preferred' },
  } as const;
  const out = await set(all);
  assert.deepEqual(out, {
    SmsMfaConfiguration: all.SmsMfaConfiguration,
    SoftwareTokenMfaConfiguration: { Enabled: true },
    EmailMfaConfiguration: all.EmailMfaConfiguration,
    MfaConfiguration: 'OPTIONAL',
    WebAuthnConfiguration: all.WebAuthnConfiguration,
  });
  assert.deepEqual(checkOutput(model, 'SetUserPoolMfaConfig', out), []);
  assert.deepEqual(await get(), out);
  assert.equal(await mode(), 'OPTIONAL');
  const pool = (await describeUserPool.handle({ UserPoolId: id }, deps, ctx)).UserPool!;
  assert.deepEqual(pool.SmsConfiguration, sms);
  assert.equal(pool.SmsAuthenticationMessage, 'Your code: {####}');
});

test('factors left out are cleared; WebAuthn settings are kept', async () => {
  const out = await set({ MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } });
  assert.deepEqual(out, {
    SoftwareTokenMfaConfiguration: { Enabled: true },
    MfaConfiguration: 'ON',
    WebAuthnConfiguration: { RelyingPartyId: 'auth.example.com', UserVerification: 'preferred' },
  });
  assert.equal(await mode(), 'ON');
});

test('ON or OPTIONAL with no factor enabled is refused with Cognito’s message', async () => {
  const none = ['InvalidParameterException', "Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration."];
  assert.deepEqual(await errorOf(set({ MfaConfiguration: 'ON' })), none);
  assert.deepEqual(await errorOf(set({ MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: false } })), none);
  assert.equal(await mode(), 'ON');
});

test('OFF together with an enabled factor is refused; OFF alone clears the factors', async () => {
  assert.deepEqual(await errorOf(set({ MfaConfiguration: 'OFF', SoftwareTokenMfaConfiguration: { Enabled: true } })), [
    'InvalidParameterException',
    "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.",
  ]);
  const out = await set({ MfaConfiguration: 'OFF' });
  assert.equal(out.MfaConfiguration, 'OFF');
  assert.equal(out.SoftwareTokenMfaConfiguration, undefined);
  assert.equal(await mode(), 'OFF');
});

test('an unknown pool is ResourceNotFoundException', async () => {
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_nope', MfaConfiguration: 'OFF' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_nope does not exist.',
  ]);
});

test('ON in a pool allowing a one-time code as first factor is refused, nothing changed; OPTIONAL is accepted', async () => {
  const pool = (await createUserPool.handle({ PoolName: 'otp-first', Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'SMS_OTP'] } } }, deps, ctx)).UserPool!.Id!;
  const email = { Subject: 's', Message: 'Code {####}' };
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: pool, MfaConfiguration: 'ON', EmailMfaConfiguration: email }, deps, ctx)), [
    'InvalidParameterException',
    'Only PASSWORD and WEB_AUTHN (if configured) can be enabled as an auth factor if MFA is enabled',
  ]);
  assert.equal((await getUserPoolMfaConfig.handle({ UserPoolId: pool }, deps, ctx)).MfaConfiguration, 'OFF');
  assert.equal((await op.handle({ UserPoolId: pool, MfaConfiguration: 'OPTIONAL', EmailMfaConfiguration: email }, deps, ctx)).MfaConfiguration, 'OPTIONAL');
});
