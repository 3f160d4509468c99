// The storage interface the domain owns: one Store of per-aggregate interfaces (interfaces/), implemented by SQLite and
// PostgreSQL and proven by one contract suite. Every method is atomic on its own: operations that must change several
// rows at once get one method.
import type { ClientStore } from './interfaces/clients.ts';
import type { CodeStore } from './interfaces/codes.ts';
import type { CounterStore } from './interfaces/counters.ts';
import type { DeviceStore } from './interfaces/devices.ts';
import type { DomainStore } from './interfaces/domains.ts';
import type { GroupStore } from './interfaces/groups.ts';
import type { IdentityStore } from './interfaces/identities.ts';
import type { DatasetStore } from './interfaces/datasets.ts';
import type { SyncConfigStore } from './interfaces/sync-config.ts';
import type { SignalBus, SyncDeviceStore } from './interfaces/sync-devices.ts';
import type { IdentityPoolStore } from './interfaces/identity-pools.ts';
import type { SigningKeyStore } from './interfaces/keys.ts';
import type { MetaStore } from './interfaces/meta.ts';
import type { OutboxStore } from './interfaces/outbox.ts';
import type { PoolStore } from './interfaces/pools.ts';
import type { ResourceServerStore } from './interfaces/resource-servers.ts';
import type { RoleStore } from './interfaces/roles.ts';
import type { OidcProviderStore } from './interfaces/oidc-providers.ts';
import type { SamlProviderStore } from './interfaces/saml-providers.ts';
import type { SessionStore, SessionWithContext } from './interfaces/sessions.ts';
import type { UserStore } from './interfaces/users.ts';

export type { ClientStore, CodeStore, CounterStore, DeviceStore, DomainStore, GroupStore, IdentityPoolStore, MetaStore, OutboxStore, PoolStore, SessionStore, SigningKeyStore, UserStore };
export type { RoleStore, OidcProviderStore, SamlProviderStore };
export type { OidcProviderRecord } from './interfaces/oidc-providers.ts';
export type { SamlProviderRecord } from './interfaces/saml-providers.ts';
export type { IdentityStore, DatasetStore, ResourceServerStore };
export type { ResourceServerRecord, ResourceServerScope } from './interfaces/resource-servers.ts';
export type { SignalBus, SyncDeviceStore };
export type { SyncDeviceRecord } from './interfaces/sync-devices.ts';
export type { DatasetRecord, SyncRecord } from './interfaces/datasets.ts';
export type { IdentityLogin, IdentityRecord } from './interfaces/identities.ts';
export type { RoleRecord, RolePolicyRecord } from './interfaces/roles.ts';
export type { CreateResult } from './interfaces/create-result.ts';
export type { SessionWithContext };
export type { UserFilter } from './interfaces/users.ts';
export { decodeCursor, encodeCursor, InvalidCursorError, prefixUpperBound } from './pages.ts';

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  pools: PoolStore;
  clients: ClientStore;
  domains: DomainStore;
  keys: SigningKeyStore;
  meta: MetaStore;
  users: UserStore;
  codes: CodeStore;
  sessions: SessionStore;
  counters: CounterStore;
  outbox: OutboxStore;
  groups: GroupStore;
  /** OAuth 2.0 resource servers of user pools and their custom scopes */
  resourceServers: ResourceServerStore;
  /** users' devices (remembered devices) */
  devices: DeviceStore;
  /** IAM roles and their inline policies (identity pools, STS) */
  roles: RoleStore;
  /** IAM OpenID Connect providers (what identity pools' OpenIdConnectProviderARNs name) */
  oidcProviders: OidcProviderStore;
  /** IAM SAML providers (what identity pools' SamlProviderARNs name) */
  samlProviders: SamlProviderStore;
  identityPools: IdentityPoolStore;
  /** identities of identity pools and their linked logins */
  identities: IdentityStore;
  /** Cognito Sync datasets of identities and their records */
  datasets: DatasetStore;
  /** Cognito Sync settings of identity pools: push, streams, the SyncTrigger, bulk publish */
  syncConfig: SyncConfigStore;
  /** Cognito Sync push devices of identities and their dataset subscriptions */
  syncDevices: SyncDeviceStore;
  /** Signals between the servers sharing this store (the Cognito Sync change feed) */
  signals: SignalBus;
  /** Applies pending numbered migrations; returns the versions applied. */
  migrate(): Promise<number[]>;
  close(): Promise<void>;
}
