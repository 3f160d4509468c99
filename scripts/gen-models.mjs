// Generates src/protocol/models/*.json from botocore's service models (documentation stripped).
// Run by hand when the models change: node scripts/gen-models.mjs [botocore data dir]
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';

const dataDir = process.argv[2] ?? '/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/botocore/data';
const services = { 'cognito-idp': '2016-04-18', 'cognito-identity': '2014-06-30', 'cognito-sync': '2014-06-30' };

function strip(v) {
  if (Array.isArray(v)) return v.map(strip);
  if (v && typeof v === 'object') {
    const out = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'documentation' || k === 'documentationUrl' || k === 'examples') continue;
      out[k] = strip(x);
    }
    return out;
  }
  return v;
}

// Operations newer than the installed botocore, as @aws-sdk/client-cognito-identity-provider 3.1169 declares them
// (its dist-es/schemas/schemas_0.js shapes and the @throws list of each command): merged in until botocore has them.
const additions = {
  'cognito-idp': {
    operations: {
      AdminDeleteSoftwareToken: {
        input: 'AdminDeleteSoftwareTokenRequest',
        output: 'AdminDeleteSoftwareTokenResponse',
        errors: ['InternalErrorException', 'InvalidParameterException', 'NotAuthorizedException', 'OperationNotEnabledException', 'ResourceNotFoundException', 'TooManyRequestsException', 'UserNotConfirmedException', 'UserNotFoundException'],
      },
      AdminGetUserAuthFactors: {
        input: 'AdminGetUserAuthFactorsRequest',
        output: 'AdminGetUserAuthFactorsResponse',
        errors: ['InternalErrorException', 'InvalidParameterException', 'NotAuthorizedException', 'OperationNotEnabledException', 'ResourceNotFoundException', 'TooManyRequestsException', 'UserNotFoundException'],
      },
    },
    shapes: {
      AdminDeleteSoftwareTokenRequest: { type: 'structure', required: ['UserPoolId', 'Username'], members: { UserPoolId: { shape: 'UserPoolIdType' }, Username: { shape: 'UsernameType' } } },
      AdminDeleteSoftwareTokenResponse: { type: 'structure', members: {} },
      AdminGetUserAuthFactorsRequest: { type: 'structure', required: ['UserPoolId', 'Username'], members: { UserPoolId: { shape: 'UserPoolIdType' }, Username: { shape: 'UsernameType' } } },
      AdminGetUserAuthFactorsResponse: {
        type: 'structure',
        required: ['Username'],
        members: {
          Username: { shape: 'UsernameType' },
          PreferredMfaSetting: { shape: 'StringType' },
          UserMFASettingList: { shape: 'UserMFASettingListType' },
          ConfiguredUserAuthFactors: { shape: 'ConfiguredUserAuthFactorsListType' },
        },
      },
      OperationNotEnabledException: { type: 'structure', members: { message: { shape: 'MessageType' } }, error: { httpStatusCode: 400, senderFault: true }, exception: true },
    },
  },
};

for (const [svc, ver] of Object.entries(services)) {
  const raw = JSON.parse(gunzipSync(readFileSync(join(dataDir, svc, ver, 'service-2.json.gz'))).toString('utf8'));
  const model = strip(raw);
  const ops = {};
  for (const [name, op] of Object.entries(model.operations)) {
    ops[name] = {
      http: op.http,
      input: op.input?.shape,
      output: op.output?.shape,
      errors: (op.errors ?? []).map((e) => e.shape),
      auth: op.authtype === 'none' || (op.auth ?? []).includes('smithy.api#noAuth') ? 'none' : 'sigv4',
    };
  }
  const extra = additions[svc];
  for (const [name, op] of Object.entries(extra?.operations ?? {})) {
    if (!ops[name]) ops[name] = { http: { method: 'POST', requestUri: '/' }, ...op, auth: 'sigv4' };
  }
  for (const [name, shape] of Object.entries(extra?.shapes ?? {})) model.shapes[name] ??= shape;
  const sorted = Object.fromEntries(Object.keys(ops).sort().map((k) => [k, ops[k]]));
  const shapes = Object.fromEntries(Object.keys(model.shapes).sort().map((k) => [k, model.shapes[k]]));
  const out = { metadata: model.metadata, operations: sorted, shapes };
  writeFileSync(join('src/protocol/models', `${svc}.json`), JSON.stringify(out) + '\n');
  console.log(svc, Object.keys(ops).length, 'operations');
}
