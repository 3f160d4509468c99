// IAM's SAML provider API over the Query protocol: the IdP metadata document that an identity pool's SamlProviderARNs
// entry stands for (`aws iam create-saml-provider --endpoint-url …`). Errors, limits and wording as IAM's, where known.
import { awsError } from '../../protocol/errors.ts';
import type { QueryOperation, XmlValue } from '../../protocol/query.ts';
import type { SamlProviderRecord } from '../../storage/store.ts';
import { BadMetadataError, parseIdpMetadata, type IdpMetadata } from '../saml-metadata.ts';
import { invalid } from './iam-oidc-providers.ts';
import { EntityAlreadyExists, iam, iso, LimitExceeded, NoSuchEntity, required } from './iam-roles.ts';

const InvalidInput = awsError('InvalidInput');

/** IAM's default quota of SAML providers per account. */
const MAX_PROVIDERS = 100;
/** The SAMLMetadataDocument bounds of IAM's model. */
const MIN_METADATA = 1000;
const MAX_METADATA = 10_000_000;
const NAME = /^[\w._-]+$/;

export const samlProviderArnFor = (accountId: string, name: string) => `arn:aws:iam::${accountId}:saml-provider/${name}`;

function arnParam(params: URLSearchParams): string {
  const arn = required(params, 'SAMLProviderArn', 'sAMLProviderArn');
  if (arn.length < 20 || arn.length > 2048) throw invalid('sAMLProviderArn', arn, 'Member must have length greater than or equal to 20');
  return arn;
}

/** The checked SAMLMetadataDocument of a request and what it says; IAM answers InvalidInput for one it cannot read. */
function metadataParam(params: URLSearchParams): { xml: string; meta: IdpMetadata } {
  const xml = required(params, 'SAMLMetadataDocument', 'sAMLMetadataDocument');
  if (xml.length < MIN_METADATA) throw invalid('sAMLMetadataDocument', xml.slice(0, 64), `Member must have length greater than or equal to ${MIN_METADATA}`);
  if (xml.length > MAX_METADATA) throw invalid('sAMLMetadataDocument', xml.slice(0, 64), `Member must have length less than or equal to ${MAX_METADATA}`);
  try {
    return { xml, meta: parseIdpMetadata(xml) };
  } catch (e) {
    if (e instanceof BadMetadataError) throw new InvalidInput('Could not parse metadata');
    throw e;
  }
}

const noProvider = (arn: string) => new NoSuchEntity(`Manifest not found for arn ${arn}`);

export const iamSamlProviderOperations: QueryOperation[] = [
  iam('CreateSAMLProvider', async (params, deps) => {
    const name = required(params, 'Name', 'name');
    if (name.length < 1 || name.length > 128) throw invalid('name', name, 'Member must have length less than or equal to 128');
    if (!NAME.test(name)) throw invalid('name', name, 'Member must satisfy regular expression pattern: [\\w._-]+');
    const { xml, meta } = metadataParam(params);
    const p: SamlProviderRecord = { arn: samlProviderArnFor(deps.config.accountId, name), metadata: xml, validUntil: meta.validUntil, createdAt: deps.clock.now() };
    const res = await deps.store.samlProviders.create(p, MAX_PROVIDERS);
    if (res === 'exists') throw new EntityAlreadyExists(`SAMLProvider named ${name} already exists.`); // wording ours
    if (res === 'limit') throw new LimitExceeded(`Cannot exceed quota for SamlProvidersPerAccount: ${MAX_PROVIDERS}`);
    return { SAMLProviderArn: p.arn };
  }),
  iam('GetSAMLProvider', async (params, deps) => {
    const arn = arnParam(params);
    const p = await deps.store.samlProviders.get(arn);
    if (!p) throw noProvider(arn);
    return { SAMLMetadataDocument: p.metadata, CreateDate: iso(p.createdAt), ValidUntil: p.validUntil === null ? undefined : iso(p.validUntil) };
  }),
  iam('ListSAMLProviders', async (_params, deps) => ({
    SAMLProviderList: {
      member: (await deps.store.samlProviders.list()).map((p): XmlValue => ({
        Arn: p.arn,
        ValidUntil: p.validUntil === null ? undefined : iso(p.validUntil),
        CreateDate: iso(p.createdAt),
      })),
    },
  })),
  iam('UpdateSAMLProvider', async (params, deps) => {
    const arn = arnParam(params);
    const { xml, meta } = metadataParam(params);
    if (!(await deps.store.samlProviders.update(arn, xml, meta.validUntil))) throw noProvider(arn);
    return { SAMLProviderArn: arn };
  }),
  iam('DeleteSAMLProvider', async (params, deps) => {
    const arn = arnParam(params);
    if (!(await deps.store.samlProviders.delete(arn))) throw noProvider(arn);
    return undefined;
  }),
];
