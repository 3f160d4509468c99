// Test support: a real server with an identity pool whose guests (the unauthenticated role) may call every Cognito
// Sync operation — what the sync client's example and browser tests run against.
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { systemClock } from '../../src/runtime/clock.ts';
import { startTestServer, type TestServer } from './server.ts';
import { setUpIdentityPool, type IdentityPoolSetup } from './identity-pool.ts';

export async function startGuestSyncPool(name: string): Promise<{ s: TestServer; p: IdentityPoolSetup; close(): Promise<void> }> {
  const s = await startTestServer({ clock: systemClock });
  const p = await setUpIdentityPool(s, name, [], 'unused-Passw0rd!');
  await p.iam.send(new PutRolePolicyCommand({ RoleName: p.unauthRole.name, PolicyName: 'sync',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['cognito-sync:*'], Resource: '*' }] }) }));
  return {
    s,
    p,
    async close() {
      p.iam.destroy();
      p.admin.destroy();
      await s.close();
    },
  };
}
