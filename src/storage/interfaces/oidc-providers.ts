// The storage interface of IAM OpenID Connect providers (account-wide, as IAM's): the issuer URL and client ids an
// identity pool's OpenIdConnectProviderARNs entry stands for.

export interface OidcProviderRecord {
  /** `arn:aws:iam::{account}:oidc-provider/{host/path}` */
  arn: string;
  /** the issuer URL as registered, scheme included (`https://host/path`; `http://…` for a local issuer) */
  url: string;
  /** the audiences its tokens may carry (empty: IAM lists none) */
  clientIds: string[];
  thumbprints: string[];
  createdAt: number;
}

export interface OidcProviderStore {
  /** 'exists' when a provider of that ARN exists; 'limit' at `max` providers. */
  create(p: OidcProviderRecord, max: number): Promise<'ok' | 'exists' | 'limit'>;
  get(arn: string): Promise<OidcProviderRecord | null>;
  /** Every provider, by ARN. */
  list(): Promise<OidcProviderRecord[]>;
  /** false when there was none. */
  delete(arn: string): Promise<boolean>;
}
