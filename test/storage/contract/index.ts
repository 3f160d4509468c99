// The storage contract: one suite of Store behaviour, one file per aggregate, run on every backend (SQLite file,
// PostgreSQL). A backend is done when it passes; a new aggregate adds its contract file here.
import { describe } from 'node:test';
import { attemptsContract } from './attempts.ts';
import { clientsContract } from './clients.ts';
import { codesContract } from './codes.ts';
import { countersContract } from './counters.ts';
import { datasetsContract } from './datasets.ts';
import { syncConfigContract } from './sync-config.ts';
import { devicesContract } from './devices.ts';
import { domainsContract } from './domains.ts';
import { durabilityContract } from './durability.ts';
import { groupsContract } from './groups.ts';
import { identitiesContract } from './identities.ts';
import { identityPoolsContract } from './identity-pools.ts';
import { keysContract } from './keys.ts';
import { metaContract } from './meta.ts';
import { migrateContract } from './migrate.ts';
import { outboxContract } from './outbox.ts';
import { poolsContract } from './pools.ts';
import { resourceServersContract } from './resource-servers.ts';
import { rolesContract } from './roles.ts';
import { oidcProvidersContract } from './oidc-providers.ts';
import { samlProvidersContract } from './saml-providers.ts';
import { sessionsContract } from './sessions.ts';
import { syncDevicesContract } from './sync-devices.ts';
import { usersContract } from './users.ts';
import { usersListContract } from './users-list.ts';
import { withStoreOf, type ContractTarget, type WithStore } from './fixtures.ts';

export * from './fixtures.ts';

/** Every aggregate's contract, in the order the suite runs them. */
const contracts: ((withStore: WithStore) => void)[] = [
  migrateContract,
  metaContract,
  poolsContract,
  clientsContract,
  domainsContract,
  keysContract,
  usersContract,
  usersListContract,
  groupsContract,
  resourceServersContract,
  devicesContract,
  identityPoolsContract,
  identitiesContract,
  datasetsContract,
  syncConfigContract,
  syncDevicesContract,
  codesContract,
  sessionsContract,
  countersContract,
  attemptsContract,
  outboxContract,
  rolesContract,
  oidcProvidersContract,
  samlProvidersContract,
  durabilityContract,
];

export function storeContract(name: string, open: () => Promise<ContractTarget>): void {
  const withStore = withStoreOf(open);
  describe(`${name} store contract`, () => {
    for (const contract of contracts) contract(withStore);
  });
}
