import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FixedClock } from '../../runtime/clock.ts';
import { checkOutput } from '../../protocol/validate.ts';
import createClient from './create-user-pool-client.ts';
import op from './list-user-pool-clients.ts';
import { ctx, errorOf, model, poolFixture, quickPool, type TestDeps } from '../../../test/support/fixtures.ts';

let clock: FixedClock;
let deps: TestDeps;
let poolId: string;
let emptyPoolId: string;
const ids: string[] = [];

before(async () => {
  ({ deps, clock, poolId } = await poolFixture());
  emptyPoolId = await quickPool(deps, 'us-east-1_empty0001');
  for (let i = 0; i < 5; i++) {
    clock.advance(1000);
    ids.push((await createClient.handle({ UserPoolId: poolId, ClientName: `c${i}` }, deps, ctx)).UserPoolClient!.ClientId!);
  }
});

test('pages through the clients in creation order', async () => {
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const out = await op.handle({ UserPoolId: poolId, MaxResults: 2, NextToken: token }, deps, ctx);
    assert.deepEqual(checkOutput(model, 'ListUserPoolClients', out), []);
    for (const c of out.UserPoolClients!) {
      assert.equal(c.UserPoolId, poolId);
      seen.push(c.ClientId!);
    }
    token = out.NextToken;
    pages++;
  } while (token);
  assert.equal(pages, 3);
  assert.deepEqual(seen, ids);
});

test('all of them in one page by default; an empty pool answers an empty list', async () => {
  const out = await op.handle({ UserPoolId: poolId }, deps, ctx);
  assert.deepEqual(
    out.UserPoolClients,
    ids.map((id, i) => ({ ClientId: id, UserPoolId: poolId, ClientName: `c${i}` })),
  );
  assert.equal(out.NextToken, undefined);
  assert.deepEqual(await op.handle({ UserPoolId: emptyPoolId }, deps, ctx), { UserPoolClients: [] });
});

test('a foreign NextToken is InvalidParameterException; an unknown pool ResourceNotFoundException', async () => {
  const [name] = await errorOf(op.handle({ UserPoolId: poolId, NextToken: 'garbage' }, deps, ctx));
  assert.equal(name, 'InvalidParameterException');
  assert.deepEqual(await errorOf(op.handle({ UserPoolId: 'us-east-1_zzzzzzzzz' }, deps, ctx)), [
    'ResourceNotFoundException',
    'User pool us-east-1_zzzzzzzzz does not exist.',
  ]);
});
