// The AWS CLI (botocore: its own SigV4 signer and JSON parser) creating a user as an administrator, and that user's
// first sign-in (NEW_PASSWORD_REQUIRED) through the CLI too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noAwsCli, runAws } from '../support/aws-cli.ts';
import { startTestServer } from '../support/server.ts';
import { readOutbox } from '../../src/runtime/delivery.ts';

const hasAws = noAwsCli === false;

test('aws cognito-idp admin-create-user, admin-get-user, and the invited user signs in', { skip: hasAws ? false : 'the aws CLI is not installed' }, async () => {
  const s = await startTestServer();
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: s.deps.admin.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s.deps.admin.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  const aws = async (...args: string[]) => JSON.parse((await runAws(['cognito-idp', ...args, '--endpoint-url', s.url, '--output', 'json'], { env })).stdout || '{}');
  try {
    const poolId = (await aws('create-user-pool', '--pool-name', 'cli-users', '--alias-attributes', 'email')).UserPool.Id as string;
    const clientId = (await aws('create-user-pool-client', '--user-pool-id', poolId, '--client-name', 'app', '--explicit-auth-flows', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'))
      .UserPoolClient.ClientId as string;

    const created = await aws(
      'admin-create-user',
      '--user-pool-id',
      poolId,
      '--username',
      'alice',
      '--user-attributes',
      'Name=email,Value=alice@example.com',
      'Name=email_verified,Value=true',
    );
    assert.deepEqual(Object.keys(created.User), ['Username', 'Attributes', 'UserCreateDate', 'UserLastModifiedDate', 'Enabled', 'UserStatus']);
    assert.equal(created.User.Username, 'alice');
    assert.equal(created.User.UserStatus, 'FORCE_CHANGE_PASSWORD');
    assert.equal(created.User.Enabled, true);
    assert.deepEqual(
      created.User.Attributes.map((a: { Name: string }) => a.Name),
      ['sub', 'email', 'email_verified'],
    );
    // The CLI prints the epoch-second timestamps as they came (the aws CLI v1 with --output json).
    assert.ok(Math.abs(Number(created.User.UserCreateDate) * 1000 - Date.now()) < 60_000, String(created.User.UserCreateDate));

    const got = await aws('admin-get-user', '--user-pool-id', poolId, '--username', 'alice');
    assert.equal(got.Username, 'alice');
    assert.equal(got.UserStatus, 'FORCE_CHANGE_PASSWORD');
    assert.equal(got.Enabled, true);
    assert.deepEqual(got.UserAttributes, created.User.Attributes);
    assert.equal(got.UserCreateDate, created.User.UserCreateDate);

    // The invitation went to the email (no phone number); its temporary password signs the user in.
    const [invite] = await readOutbox(s.deps, 'alice@example.com', 1);
    const temp = /^Your username is alice and temporary password is (.+)\.$/.exec(invite!.body)![1]!;
    const first = await aws('initiate-auth', '--client-id', clientId, '--auth-flow', 'USER_PASSWORD_AUTH', '--auth-parameters', `USERNAME=alice,PASSWORD=${temp}`);
    assert.equal(first.ChallengeName, 'NEW_PASSWORD_REQUIRED');
    const done = await aws(
      'respond-to-auth-challenge',
      '--client-id',
      clientId,
      '--challenge-name',
      'NEW_PASSWORD_REQUIRED',
      '--session',
      first.Session,
      '--challenge-responses',
      'USERNAME=alice,NEW_PASSWORD=N3w-Passw0rd',
    );
    assert.equal(done.AuthenticationResult.TokenType, 'Bearer');
    assert.equal((await aws('admin-get-user', '--user-pool-id', poolId, '--username', 'alice@example.com')).UserStatus, 'CONFIRMED');

    const again = await runAws(
      ['cognito-idp', 'admin-create-user', '--user-pool-id', poolId, '--username', 'alice', '--message-action', 'SUPPRESS', '--endpoint-url', s.url],
      { env },
    ).catch((e) => e);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /UsernameExistsException.*User account already exists/);
    const missing = await runAws(['cognito-idp', 'admin-get-user', '--user-pool-id', poolId, '--username', 'nobody', '--endpoint-url', s.url], { env }).catch(
      (e) => e,
    );
    assert.match(missing.stderr, /UserNotFoundException.*User does not exist\./);
  } finally {
    await s.close();
  }
});
