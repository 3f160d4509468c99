import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { FixedClock } from '../../runtime/clock.ts';
import { checkOutput, type ServiceModel } from '../../protocol/validate.ts';
import idpModel from '../../protocol/models/cognito-idp.json' with { type: 'json' };
import { issueTokens } from '../sign-in/issue-tokens.ts';
import { createTestClient, createTestPool, createTestUser, getTestUser } from '../../../test/support/users.ts';
import type { CreateUserPoolClientRequest } from '../shapes.ts';
import op from './delete-user-attributes.ts';

const model = idpModel as unknown as ServiceModel;
const ctx = { requestId: 'r', sourceIp: '127.0.0.1', headers: {} };
let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let n = 0;

before(async () => {
  deps = await makeTestDeps({ clock: new FixedClock() });
});

async function errorOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    assert.ok(model.operations.DeleteUserAttributes!.errors.includes(code), `${code} is not declared for DeleteUserAttributes`);
    return [code, (e as Error).message];
  }
  assert.fail('expected an error');
}

const ATTRS = { email: 'alice@example.com', email_verified: 'true', name: 'Alice', nickname: 'Al', 'custom:tier': '2' };

async function setup(clientIn: Partial<CreateUserPoolClientRequest> = {}) {
  const pool = await createTestPool(deps, {
    PoolName: `delete-attrs${++n}`,
    Schema: [
      { Name: 'name', AttributeDataType: 'String', Required: true, Mutable: true },
      { Name: 'tier', AttributeDataType: 'Number', Mutable: true },
      { Name: 'employee_id', AttributeDataType: 'String', Mutable: false },
    ],
  });
  const client = await createTestClient(deps, pool.id, clientIn);
  const user = await createTestUser(deps, pool, 'alice', 'Passw0rd!', { attributes: { ...ATTRS, 'custom:employee_id': 'e1' } });
  const { AccessToken } = await issueTokens(deps, { pool, client: client.record, user });
  const del = (UserAttributeNames: string[]) => op.handle({ AccessToken: AccessToken!, UserAttributeNames }, deps, ctx);
  const stored = () => getTestUser(deps, pool, 'alice');
  return { pool, del, stored };
}

test('deletes attributes; deleting the email takes email_verified with it; absent ones are no error', async () => {
  const { del, stored } = await setup();
  const out = await del(['nickname', 'custom:tier', 'email', 'middle_name']);
  assert.deepEqual(out, {});
  assert.deepEqual(checkOutput(model, 'DeleteUserAttributes', out), []);
  assert.deepEqual((await stored()).attributes, { name: 'Alice', 'custom:employee_id': 'e1' });
});

test('required, immutable and unknown attributes cannot be deleted', async () => {
  const { del, stored } = await setup();
  assert.deepEqual(await errorOf(del(['name'])), ['InvalidParameterException', 'user.name: Required attribute cannot be deleted.']);
  assert.deepEqual(await errorOf(del(['custom:employee_id'])), ['InvalidParameterException', 'user.custom:employee_id: Attribute cannot be updated.\n']);
  assert.deepEqual(await errorOf(del(['custom:nope'])), ['InvalidParameterException', 'user.custom:nope: Attribute does not exist in the schema.\n']);
  assert.equal((await stored()).attributes.nickname, 'Al');
});

test('the client\'s WriteAttributes limit what the user may delete; the verified flags are never theirs', async () => {
  const { del } = await setup({ WriteAttributes: ['name', 'email'] });
  const refused: [string, string] = ['NotAuthorizedException', 'A client attempted to write unauthorized attribute'];
  assert.deepEqual(await errorOf(del(['nickname'])), refused);
  assert.deepEqual(await errorOf(del(['email_verified'])), refused);
  await del(['email']);
});
