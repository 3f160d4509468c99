// Trigger events and answers with an injected runner: the envelope, the error mapping, and the answers read for
// PreTokenGeneration, UserMigration and the sign-in triggers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import { TriggerInvokeError, type TriggerRunner } from '../../runtime/triggers.ts';
import { awsSdkVersion, invokeTrigger, triggerArn, triggerUserAttributes, UNKNOWN_SDK } from './common.ts';
import { preTokenGenerationEvent, readTokenCustomisation, runPreTokenGeneration } from './pre-token-generation.ts';
import { runPreAuthentication } from './pre-authentication.ts';
import { runPostAuthentication } from './post-authentication.ts';
import { readMigrationAnswer, runUserMigration } from './user-migration.ts';
import { runPreSignUp } from './pre-sign-up.ts';

const pool = (LambdaConfig: Record<string, unknown>, more: Record<string, unknown> = {}) =>
  ({ id: 'eu-west-1_abc', settings: { LambdaConfig, ...more } }) as unknown as PoolRecord;
const user = { username: 'ana', sub: '11111111-2222-3333-4444-555555555555', status: 'CONFIRMED', attributes: { email: 'a@x.com', email_verified: 'true' } } as unknown as UserRecord;
const caller = { clientId: 'client1', userAgent: 'aws-sdk-js/3.1169.0 ua/2.1 os/linux' };

/** A runner that records the event and answers `answer` (a function: its result, or what it throws). */
function runner(answer: (event: any) => unknown): TriggerRunner & { events: any[] } {
  const events: any[] = [];
  return {
    events,
    async invoke(_arn, event) {
      events.push(event);
      return answer(event);
    },
  };
}

const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
  throw new Error('expected a failure');
};

test('the envelope: version, source, region from the pool id, callerContext from the User-Agent', async () => {
  const r = runner((e) => e);
  await runPreAuthentication({ triggers: r }, pool({ PreAuthentication: 'arn:pa' }), { user, userName: user.username, caller, clientMetadata: { a: '1' } });
  const e = r.events[0];
  assert.deepEqual(
    { v: e.version, s: e.triggerSource, r: e.region, p: e.userPoolId, u: e.userName, c: e.callerContext },
    { v: '1', s: 'PreAuthentication_Authentication', r: 'eu-west-1', p: 'eu-west-1_abc', u: 'ana', c: { awsSdkVersion: 'aws-sdk-js-3.1169.0', clientId: 'client1' } },
  );
  assert.deepEqual(e.request.validationData, { a: '1' });
  assert.equal(e.request.userNotFound, false);
  assert.equal(awsSdkVersion('aws-cli/2.15 Python/3.11'), UNKNOWN_SDK);
  assert.equal(awsSdkVersion(undefined), UNKNOWN_SDK);
});

test('userAttributes: sub, status and the verified alias Cognito adds', () => {
  const attrs = triggerUserAttributes(pool({}, { AliasAttributes: ['email', 'preferred_username'] }), user);
  assert.deepEqual(attrs, { sub: user.sub, email: 'a@x.com', email_verified: 'true', 'cognito:user_status': 'CONFIRMED', 'cognito:email_alias': 'a@x.com' });
});

test('no function configured: nothing is invoked', async () => {
  const r = runner(() => assert.fail('invoked'));
  assert.equal(await invokeTrigger({ triggers: r }, pool({}), 'PostAuthentication', {} as never), null);
  assert.equal(await runPreSignUp({ triggers: r }, pool({}), { source: 'PreSignUp_SignUp', userName: 'x', caller, userAttributes: {} }), null);
});

test('runner failures become Cognito’s errors', async () => {
  const p = pool({ PostAuthentication: 'arn:x' });
  const run = (answer: (e: any) => unknown) =>
    errorOf(runPostAuthentication({ triggers: runner(answer) }, p, { user, caller, newDeviceUsed: false }));
  const fail = (kind: ConstructorParameters<typeof TriggerInvokeError>[0], msg: string) => () => {
    throw new TriggerInvokeError(kind, msg);
  };
  assert.deepEqual(await run(fail('function', 'Nope')), { name: 'UserLambdaValidationException', message: 'PostAuthentication failed with error Nope.' });
  assert.deepEqual(await run(fail('timeout', 't')), {
    name: 'UnexpectedLambdaException',
    message: 'PostAuthentication invocation failed due to error Socket timeout while invoking Lambda function.',
  });
  // An Invoke API refusal shows its AWS error name; what the runner knows (paths, URLs, causes) never reaches the caller.
  const refused = () => {
    throw new TriggerInvokeError('unreachable', 'http://10.0.0.7:9001/2015-03-31/functions/x/invocations answered 404', 'ResourceNotFoundException');
  };
  assert.deepEqual(await run(refused), {
    name: 'UnexpectedLambdaException',
    message: 'PostAuthentication invocation failed due to error ResourceNotFoundException.',
  });
  const hidden = { name: 'UnexpectedLambdaException', message: 'PostAuthentication invocation failed due to error Unable to reach the function.' };
  assert.deepEqual(await run(fail('unreachable', "cannot load /srv/secret/h.mjs: Cannot find module '/srv/secret/h.mjs'")), hidden);
  assert.deepEqual(await run(fail('unreachable', 'http://10.0.0.7:8080/hook: ECONNREFUSED')), hidden);
  assert.deepEqual(
    await run(() => {
      throw new Error('internal /srv/path');
    }),
    hidden,
  );
  assert.deepEqual(await run(fail('invalid-response', 'x')), { name: 'InvalidLambdaResponseException', message: 'Invalid lambda function output : Invalid JSON' });
  for (const answer of [null, 'text', [], { response: 'x' }, { response: null }])
    assert.deepEqual(await run(() => answer), { name: 'InvalidLambdaResponseException', message: 'Unrecognizable lambda output' });
});

test('PreSignUp: autoVerify without autoConfirm is refused on SignUp', async () => {
  const r = runner((e) => ({ ...e, response: { autoVerifyEmail: true } }));
  const err = await errorOf(
    runPreSignUp({ triggers: r }, pool({ PreSignUp: 'arn:p' }), { source: 'PreSignUp_SignUp', userName: 'x', caller, userAttributes: { email: 'a@x.com' } }),
  );
  assert.deepEqual(err, { name: 'InvalidParameterException', message: 'Phone or email cannot be auto verified, when user is not being auto confirmed.' });
});

test('PreTokenGeneration: the configured version wins over the legacy ARN; V1 and V2 answers read, fixed claims dropped', async () => {
  assert.deepEqual(triggerArn(pool({ PreTokenGeneration: 'arn:old', PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: 'arn:new' } }), 'PreTokenGeneration'), {
    arn: 'arn:new',
    version: 'V2_0',
  });
  const groups = { groupsToOverride: ['g'], iamRolesToOverride: [], preferredRole: null };
  const v2 = preTokenGenerationEvent(pool({}), 'V2_0', { source: 'TokenGeneration_Authentication', user, caller, groupConfiguration: groups, scopes: ['openid'] });
  assert.equal(v2.version, '2');
  assert.deepEqual((v2.request as any).scopes, ['openid']);
  assert.deepEqual(v2.response, { claimsAndScopeOverrideDetails: null });

  const v1 = readTokenCustomisation('V1_0', {
    claimsOverrideDetails: { claimsToAddOrOverride: { tenant: 't1', sub: 'evil' }, claimsToSuppress: ['email', 'iss'], groupOverrideDetails: { groupsToOverride: ['x'] } },
  });
  assert.deepEqual(v1.idToken, { claimsToAddOrOverride: { tenant: 't1' }, claimsToSuppress: ['email'] });
  assert.deepEqual(v1.groupOverride, { groupsToOverride: ['x'] });

  const r = runner((e) => ({
    ...e,
    response: {
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: { claimsToAddOrOverride: { n: 1 } },
        accessTokenGeneration: { claimsToAddOrOverride: { roles: ['a'], client_id: 'x' }, claimsToSuppress: ['username'], scopesToAdd: ['api/read'], scopesToSuppress: ['phone'] },
      },
    },
  }));
  const out = await runPreTokenGeneration({ triggers: r }, pool({ PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: 'arn:new' } }), {
    source: 'TokenGeneration_Authentication',
    user,
    caller,
    groupConfiguration: groups,
    scopes: [],
  });
  assert.deepEqual(out, {
    idToken: { claimsToAddOrOverride: { n: 1 }, claimsToSuppress: [] },
    accessToken: { claimsToAddOrOverride: { roles: ['a'] }, claimsToSuppress: [], scopesToAdd: ['api/read'], scopesToSuppress: ['phone'] },
    groupOverride: undefined,
  });
  // M2M tokens run only a V3_0 function.
  const m2m = { source: 'TokenGeneration_ClientCredentials' as const, caller, groupConfiguration: groups, scopes: [] };
  assert.equal(await runPreTokenGeneration({ triggers: r }, pool({ PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: 'a' } }), m2m), null);
});

test('UserMigration: the Authentication event carries the password; answers read; a throw is an unknown user', async () => {
  const r = runner((e) => ({ ...e, response: { userAttributes: { email: 'a@x.com', email_verified: true }, finalUserStatus: 'CONFIRMED', messageAction: 'SUPPRESS' } }));
  const p = pool({ UserMigration: 'arn:m' });
  const answer = await runUserMigration({ triggers: r }, p, { source: 'UserMigration_Authentication', userName: 'ana', caller, password: 'pw' });
  assert.equal(r.events[0].request.password, 'pw');
  assert.deepEqual(answer, {
    userAttributes: { email: 'a@x.com', email_verified: 'true' },
    finalUserStatus: 'CONFIRMED',
    messageAction: 'SUPPRESS',
    desiredDeliveryMediums: undefined,
    forceAliasCreation: false,
    enableSMSMFA: undefined,
  });
  assert.equal(readMigrationAnswer({ userAttributes: null }), null);
  assert.throws(() => readMigrationAnswer({ userAttributes: {}, finalUserStatus: 'MAYBE' }), { name: 'InvalidLambdaResponseException' });
  const thrower = runner(() => {
    throw new TriggerInvokeError('function', 'Bad password');
  });
  assert.deepEqual(await errorOf(runUserMigration({ triggers: thrower }, p, { source: 'UserMigration_Authentication', userName: 'x', caller, password: 'p' })), {
    name: 'UserNotFoundException',
    message: 'Exception migrating user in app client client1',
  });
});

test('PreTokenGeneration scopes: one scope-token per entry; empty ones and ones with spaces are dropped', () => {
  const c = readTokenCustomisation('V2_0', {
    claimsAndScopeOverrideDetails: { accessTokenGeneration: { scopesToAdd: ['openid', '', 'x y', 'a"b', 'res/read'], scopesToSuppress: [' '] } },
  });
  assert.deepEqual(c.accessToken.scopesToAdd, ['openid', 'res/read']);
  assert.deepEqual(c.accessToken.scopesToSuppress, []);
});
