// Fuzzing the AWS JSON edge of the real server process with requests generated from the service models (see
// requests.ts). Every answer must come, parse, stay under 500 and be an AWS JSON error when it is one; afterwards
// the server still serves. Short by default (part of `npm test`); `npm run fuzz` (FUZZ_RUNS=12000) for the long one.
// FUZZ_SEED replays a run; the seed is printed. FUZZ_DEV=1 runs it against --dev.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import idpModel from '../../src/protocol/models/cognito-idp.json' with { type: 'json' };
import identityModel from '../../src/protocol/models/cognito-identity.json' with { type: 'json' };
import type { ServiceModel } from '../../src/protocol/validate.ts';
import { startCognate, tempDir, type CognateProcess } from '../support/process.ts';
import { rawRequest } from '../support/raw-http.ts';
import { brief, runFuzz } from './runner.ts';
import type { FuzzService } from './requests.ts';
import { allOperations } from '../../src/operations.ts';
import type { KnownValues } from './model-arbitraries.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const PASSWORD = 'Passw0rd!fuzz';
const served = (service: string) => allOperations.filter((o) => o.service === service).map((o) => o.name);
const services: FuzzService[] = [
  { name: 'cognito-idp', model: idpModel as unknown as ServiceModel, weight: 10, served: served('cognito-idp') },
  { name: 'cognito-identity', model: identityModel as unknown as ServiceModel, weight: 1, served: served('cognito-identity') },
];

let p: CognateProcess;
let admin: { accessKeyId: string; secretAccessKey: string };
let idp: CognitoIdentityProviderClient;
const known: KnownValues = {};

before(async () => {
  // FUZZ_DEV=1: against --dev (any key's signature passes, so more requests reach the admin operations).
  p = await startCognate(['--data-dir', tempDir('cognate-fuzz-'), ...(process.env.FUZZ_DEV === '1' ? ['--dev'] : [])]);
  admin = {
    accessKeyId: /AWS_ACCESS_KEY_ID=(\S+)/.exec(p.stdout())![1]!,
    secretAccessKey: /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(p.stdout())![1]!,
  };
  idp = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: p.url, credentials: admin, maxAttempts: 1 });
  // Real identifiers, so that many requests get past "not found" into the operations.
  const poolId = (await idp.send(new CreateUserPoolCommand({ PoolName: 'fuzz' }))).UserPool!.Id!;
  const client = await idp.send(
    new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'fuzz', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
  );
  const clientId = client.UserPoolClient!.ClientId!;
  await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'fuzzer', MessageAction: 'SUPPRESS' }));
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'fuzzer', Password: PASSWORD, Permanent: true }));
  await idp.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'fuzzers' }));
  const auth = await idp.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'fuzzer', PASSWORD } }),
  );
  Object.assign(known, {
    UserPoolId: [poolId],
    ClientId: [clientId],
    Username: ['fuzzer', 'nobody'],
    Password: [PASSWORD],
    PreviousPassword: [PASSWORD],
    ProposedPassword: ['Passw0rd!fuzz2'],
    GroupName: ['fuzzers'],
    AccessToken: [auth.AuthenticationResult!.AccessToken!],
    RefreshToken: [auth.AuthenticationResult!.RefreshToken!],
    Token: [auth.AuthenticationResult!.RefreshToken!],
  });
});

after(async () => {
  idp?.destroy();
  await p?.stop();
});

test(`${RUNS} model-generated hostile requests: no 5xx, none unanswered or unreadable, and the server still serves`, { timeout: 30 * 60_000 }, async () => {
  const report = await runFuzz(services, known, { url: p.url, admin, bodyLimit: 1_048_576, region: 'us-east-1' }, { runs: RUNS, seed: SEED });
  const summary = {
    seed: report.seed,
    requests: report.requests,
    durationMs: report.durationMs,
    '5xx': report.count('5xx'),
    unreadable: report.count('unreadable'),
    oversizedHeaders: report.count('headers'),
    badBodies: report.count('body'),
    statuses: report.statuses,
    types: report.types,
  };
  console.log(`# fuzz ${JSON.stringify(summary)}`);
  const shown = report.findings.slice(0, 15).map((f) => `${f.kind}: ${f.detail}\n  ${brief(f.plan)}`);
  const logged = (p.stdout() + p.stderr()).split('\n').filter((l) => l.includes('unexpected error')).slice(0, 5);
  assert.equal(
    report.findings.length,
    0,
    `${report.findings.length} bad answers (FUZZ_SEED=${report.seed}):\n${shown.join('\n')}\nserver log:\n${logged.join('\n').slice(0, 4000)}`,
  );

  const health = await rawRequest(p.url, { method: 'GET', path: '/health' });
  assert.equal(health.status, 200);
  const pool = (await idp.send(new CreateUserPoolCommand({ PoolName: 'after-fuzz' }))).UserPool!.Id!;
  assert.equal((await idp.send(new DescribeUserPoolCommand({ UserPoolId: pool }))).UserPool!.Name, 'after-fuzz');
  assert.equal(p.child.exitCode, null, 'the process is still running');
  assert.doesNotMatch(p.stdout() + p.stderr(), /unexpected error/, 'the server logged no unexpected error');
});
