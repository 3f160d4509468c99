// IAM's OpenID Connect provider API over the Query protocol: the issuer URL and client ids that an identity pool's
// OpenIdConnectProviderARNs entry stands for (`aws iam create-open-id-connect-provider --endpoint-url …`). Errors,
// limits and wording as IAM's; unlike IAM, an http:// URL is taken, for issuers on this machine or a private network.
import type { QueryOperation, XmlValue } from '../../protocol/query.ts';
import type { OidcProviderRecord } from '../../storage/store.ts';
import { EntityAlreadyExists, iam, iso, LimitExceeded, NoSuchEntity, required, ValidationError } from './iam-roles.ts';

/** IAM's default quota of OpenID Connect providers per account. */
const MAX_PROVIDERS = 100;
const MAX_CLIENT_IDS = 100;

export const invalid = (member: string, value: string, rule: string) =>
  new ValidationError(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${rule}`);

/** `Name.member.1`, `Name.member.2`, … of a Query request, in order. */
function members(params: URLSearchParams, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; params.has(`${name}.member.${i}`); i++) out.push(params.get(`${name}.member.${i}`)!);
  return out;
}

/** The provider ARN for an issuer URL: the URL without its scheme and trailing slash, as IAM names it. */
export const oidcProviderArnFor = (accountId: string, url: string) => `arn:aws:iam::${accountId}:oidc-provider/${url.replace(/^https?:\/\//, '').replace(/\/+$/, '')}`;

function arnParam(params: URLSearchParams): string {
  const arn = required(params, 'OpenIDConnectProviderArn', 'openIDConnectProviderArn');
  if (arn.length < 20 || arn.length > 2048) throw invalid('openIDConnectProviderArn', arn, 'Member must have length greater than or equal to 20');
  return arn;
}

const providerXml = (p: OidcProviderRecord): XmlValue => ({
  Url: p.url.replace(/^https?:\/\//, ''), // IAM answers the URL without its scheme
  ClientIDList: { member: p.clientIds },
  ThumbprintList: { member: p.thumbprints },
  CreateDate: iso(p.createdAt),
});

export const iamOidcProviderOperations: QueryOperation[] = [
  iam('CreateOpenIDConnectProvider', async (params, deps) => {
    const url = required(params, 'Url', 'url').replace(/\/+$/, '');
    if (url.length < 1 || url.length > 255) throw invalid('url', url, 'Member must have length less than or equal to 255');
    if (!/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(url)) throw new ValidationError(`Invalid URL: ${url}`); // wording ours
    const clientIds = members(params, 'ClientIDList');
    if (clientIds.length > MAX_CLIENT_IDS) throw new LimitExceeded(`Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${MAX_CLIENT_IDS}`);
    for (const c of clientIds) if (c.length < 1 || c.length > 255) throw invalid('clientIDList', c, 'Member must have length less than or equal to 255');
    const thumbprints = members(params, 'ThumbprintList');
    for (const t of thumbprints) if (!/^[0-9a-fA-F]{40}$/.test(t)) throw invalid('thumbprintList', t, 'Member must have length greater than or equal to 40');
    const p: OidcProviderRecord = { arn: oidcProviderArnFor(deps.config.accountId, url), url, clientIds: [...new Set(clientIds)], thumbprints, createdAt: deps.clock.now() };
    const res = await deps.store.oidcProviders.create(p, MAX_PROVIDERS);
    if (res === 'exists') throw new EntityAlreadyExists(`Provider with url ${url} already exists.`);
    if (res === 'limit') throw new LimitExceeded(`Cannot exceed quota for OpenIdConnectProvidersPerAccount: ${MAX_PROVIDERS}`);
    return { OpenIDConnectProviderArn: p.arn };
  }),
  iam('GetOpenIDConnectProvider', async (params, deps) => {
    const arn = arnParam(params);
    const p = await deps.store.oidcProviders.get(arn);
    if (!p) throw new NoSuchEntity(`OpenIDConnect Provider not found for arn ${arn}`);
    return providerXml(p);
  }),
  iam('ListOpenIDConnectProviders', async (_params, deps) => ({
    OpenIDConnectProviderList: { member: (await deps.store.oidcProviders.list()).map((p) => ({ Arn: p.arn })) },
  })),
  iam('DeleteOpenIDConnectProvider', async (params, deps) => {
    // Idempotent, as IAM's: deleting a provider that does not exist is no error.
    await deps.store.oidcProviders.delete(arnParam(params));
    return undefined;
  }),
];
