// The storage interface of IAM SAML providers (account-wide, as IAM's): the IdP metadata document an identity pool's
// SamlProviderARNs entry stands for, whose signing certificates and entityID SAML logins are checked against.

export interface SamlProviderRecord {
  /** `arn:aws:iam::{account}:saml-provider/{Name}` */
  arn: string;
  /** the metadata document as uploaded (CreateSAMLProvider / UpdateSAMLProvider) */
  metadata: string;
  /** the metadata's validUntil (epoch ms), if it has one */
  validUntil: number | null;
  createdAt: number;
}

export interface SamlProviderStore {
  /** 'exists' when a provider of that ARN exists; 'limit' at `max` providers. */
  create(p: SamlProviderRecord, max: number): Promise<'ok' | 'exists' | 'limit'>;
  get(arn: string): Promise<SamlProviderRecord | null>;
  /** Every provider, by ARN. */
  list(): Promise<SamlProviderRecord[]>;
  /** Replaces the metadata document; false when there is no such provider. */
  update(arn: string, metadata: string, validUntil: number | null): Promise<boolean>;
  /** false when there was none. */
  delete(arn: string): Promise<boolean>;
}
