// Identity pools (cognito-identity): ids, ARNs, lookups, and the IdentityPool shape Create/Describe/Update answer.
import type { Deps } from '../deps.ts';
import type { IdentityPoolRecord, IdentityPoolSettings } from '../storage/records.ts';
import { InvalidParameterException, ResourceNotFoundException, TooManyRequestsException } from './errors.ts';
import type { CreateIdentityPoolInput, IdentityPool } from './shapes.ts';

/** Identity pools per account and Region (quotas page: 1,000). */
export const MAX_IDENTITY_POOLS = 1000;
/** Tags per identity pool (AWS tagging limit: 50 user-defined tags per resource). */
export const MAX_TAGS = 50;

/** `<region>:<uuid>`, as Cognito's (model pattern `[\w-]+:[0-9a-f-]+`). */
export function newIdentityPoolId(deps: Pick<Deps, 'config' | 'random'>): string {
  return `${deps.config.region}:${deps.random.uuid()}`;
}

export function identityPoolArn(deps: Pick<Deps, 'config'>, id: string): string {
  return `arn:aws:cognito-identity:${deps.config.region}:${deps.config.accountId}:identitypool/${id}`;
}

/** Observed Cognito answer for an unknown identity pool. */
export function identityPoolNotFound(id: string): Error {
  return new ResourceNotFoundException(`IdentityPool '${id}' not found.`);
}

export async function getIdentityPool(deps: Pick<Deps, 'store'>, id: string): Promise<IdentityPoolRecord> {
  const pool = await deps.store.identityPools.get(id);
  if (!pool) throw identityPoolNotFound(id);
  return pool;
}

/** The identity pool a tagging request's ResourceArn names: this account's ARN of an existing pool. */
export async function getIdentityPoolByArn(deps: Pick<Deps, 'store'>, arn: string): Promise<IdentityPoolRecord> {
  const m = /^arn:[\w-]+:cognito-identity:[\w-]+:\d+:identitypool\/([\w-]+:[0-9a-f-]+)$/.exec(arn);
  const pool = m ? await deps.store.identityPools.get(m[1]!) : null;
  // Wording ours: Cognito's text for a tagging call on a missing resource was not found.
  if (!pool || pool.arn !== arn) throw new ResourceNotFoundException(`Resource ${arn} not found.`);
  return pool;
}

/**
 * Reads the pool, applies `change`, and writes it conditionally on the version read; retried when another request
 * wrote the pool in between.
 */
export async function changeIdentityPool(
  deps: Pick<Deps, 'store'>,
  id: string,
  change: (pool: IdentityPoolRecord) => Pick<IdentityPoolRecord, 'name' | 'settings' | 'tags'>,
  now: number,
  attempts = 5,
): Promise<IdentityPoolRecord> {
  for (let i = 0; i < attempts; i++) {
    const pool = await getIdentityPool(deps, id);
    const next = { ...pool, ...change(pool), updatedAt: now, version: pool.version + 1 };
    if (await deps.store.identityPools.update(next)) return next;
  }
  throw new TooManyRequestsException('Too many concurrent changes to this identity pool; retry.'); // wording ours
}

export function checkTags(tags: Record<string, string>): void {
  const n = Object.keys(tags).length;
  // Wording ours (Cognito's text for too many tags was not found).
  if (n > MAX_TAGS) throw new InvalidParameterException(`An identity pool can have at most ${MAX_TAGS} tags; the request gives ${n}.`);
}

type SettingsInput = Omit<CreateIdentityPoolInput, 'IdentityPoolName' | 'IdentityPoolTags'>;

/** The stored members of a Create/UpdateIdentityPool request: what it gives, nothing else (absent lists stay absent). */
export function identityPoolSettings(input: SettingsInput): IdentityPoolSettings {
  const s: IdentityPoolSettings = { AllowUnauthenticatedIdentities: input.AllowUnauthenticatedIdentities };
  if (input.AllowClassicFlow !== undefined) s.AllowClassicFlow = input.AllowClassicFlow;
  if (input.SupportedLoginProviders !== undefined) s.SupportedLoginProviders = { ...input.SupportedLoginProviders };
  if (input.DeveloperProviderName !== undefined) s.DeveloperProviderName = input.DeveloperProviderName;
  if (input.OpenIdConnectProviderARNs !== undefined) s.OpenIdConnectProviderARNs = [...input.OpenIdConnectProviderARNs];
  if (input.CognitoIdentityProviders !== undefined)
    s.CognitoIdentityProviders = input.CognitoIdentityProviders.map((p) => ({
      ...(p.ProviderName !== undefined ? { ProviderName: p.ProviderName } : {}),
      ...(p.ClientId !== undefined ? { ClientId: p.ClientId } : {}),
      // Cognito answers the check as false when the request leaves it out.
      ServerSideTokenCheck: p.ServerSideTokenCheck ?? false,
    }));
  if (input.SamlProviderARNs !== undefined) s.SamlProviderARNs = [...input.SamlProviderARNs];
  return s;
}

/** Wording ours: Cognito refuses to change a developer provider name once set; its exact text was not found. */
export const DEVELOPER_PROVIDER_IMMUTABLE = 'DeveloperProviderName cannot be changed once it has been set.';

export function describeIdentityPool(pool: IdentityPoolRecord): IdentityPool {
  const s = pool.settings;
  return {
    IdentityPoolId: pool.id,
    IdentityPoolName: pool.name,
    AllowUnauthenticatedIdentities: s.AllowUnauthenticatedIdentities,
    AllowClassicFlow: s.AllowClassicFlow ?? false,
    ...(s.SupportedLoginProviders ? { SupportedLoginProviders: s.SupportedLoginProviders } : {}),
    ...(s.DeveloperProviderName !== undefined ? { DeveloperProviderName: s.DeveloperProviderName } : {}),
    ...(s.OpenIdConnectProviderARNs ? { OpenIdConnectProviderARNs: s.OpenIdConnectProviderARNs } : {}),
    ...(s.CognitoIdentityProviders ? { CognitoIdentityProviders: s.CognitoIdentityProviders } : {}),
    ...(s.SamlProviderARNs ? { SamlProviderARNs: s.SamlProviderARNs } : {}),
    IdentityPoolTags: { ...pool.tags },
  };
}
