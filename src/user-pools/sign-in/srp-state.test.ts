// USER_SRP_AUTH round 2 takes u = H(A | B) from the sealed SECRET_BLOCK instead of recomputing B (a 3072-bit g^b).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestDeps } from '../../../test/support/deps.ts';
import { ALL_FLOWS, createTestClient, createTestPool, createTestUser, srpClient, type TestClient } from '../../../test/support/users.ts';
import type { PoolRecord } from '../../storage/records.ts';
import { publicAuthContext, initiateAuth, respondToAuthChallenge } from './index.ts';
import { fromSecretBlock, toSecretBlock, type SealedState } from './session-state.ts';

let deps: Awaited<ReturnType<typeof makeTestDeps>>;
let pool: PoolRecord;
let client: TestClient;
let strict: TestClient;

before(async () => {
  deps = await makeTestDeps();
  pool = await createTestPool(deps);
  client = await createTestClient(deps, pool.id, { ExplicitAuthFlows: ALL_FLOWS });
  strict = await createTestClient(deps, pool.id, { ExplicitAuthFlows: ALL_FLOWS, PreventUserExistenceErrors: 'ENABLED' });
  await createTestUser(deps, pool, 'alice', 'Passw0rd!');
});

const open = (block: string): SealedState => JSON.parse(deps.secrets.decryptString(fromSecretBlock(block)));
const reseal = (s: SealedState): string => toSecretBlock(deps.secrets.encrypt(JSON.stringify(s)));

/** Round 1, the SECRET_BLOCK's state changed by `edit` (resealed, as only the server can), then round 2. */
async function signIn(c: TestClient, name: string, edit: (s: SealedState) => void) {
  const ctx = await publicAuthContext(deps, c.id);
  const srp = await srpClient(pool.id);
  const first = await initiateAuth(deps, ctx, { AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: name, SRP_A: srp.A } });
  const state = open(first.ChallengeParameters.SECRET_BLOCK!);
  edit(state);
  const params = { ...first.ChallengeParameters, SECRET_BLOCK: reseal(state) };
  const responses = await srp.answer(params, 'Passw0rd!');
  return respondToAuthChallenge(deps, ctx, { ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses: responses }).then(
    (out) => ({ ok: !!out.AuthenticationResult }),
    (e: Error) => ({ ok: false, error: e.message }),
  );
}

test('round 1 seals u = H(A | B), real and simulated alike, and round 2 checks the proof with it', async () => {
  let real: SealedState | undefined;
  let simulated: SealedState | undefined;
  assert.deepEqual(await signIn(client, 'alice', (s) => (real = { ...s })), { ok: true });
  await signIn(strict, 'nobody', (s) => (simulated = { ...s }));
  for (const s of [real!, simulated!]) {
    assert.match(s.srp?.u ?? '', /^[0-9a-f]{64}$/);
    assert.deepEqual(Object.keys(s.srp!).sort(), ['A', 'b', 'u']);
  }
  // Round 2 uses the sealed u, not a recomputed B: another u fails the right password.
  const other = (s: SealedState) => (s.srp!.u = (BigInt(`0x${s.srp!.u}`) ^ 1n).toString(16).padStart(64, '0'));
  assert.deepEqual(await signIn(client, 'alice', other), { ok: false, error: 'Incorrect username or password.' });
  // A state sealed before u was kept (none in it): round 2 recomputes B.
  assert.deepEqual(await signIn(client, 'alice', (s) => delete s.srp!.u), { ok: true });
});
