// Records as Cognate stores them: our own shapes, normalised for the queries the domain makes.
// Times are epoch milliseconds. Settings documents hold a resource's configuration, never wire responses.

/** A user pool's configuration (the members CreateUserPool/UpdateUserPool set, in their AWS names). */
export type PoolSettings = Record<string, unknown>;

export interface PoolRecord {
  id: string;
  name: string;
  arn: string;
  createdAt: number;
  updatedAt: number;
  /** Bumped on every update; updates are conditional on it (optimistic concurrency across processes). */
  version: number;
  settings: PoolSettings;
  tags: Record<string, string>;
}

export interface ClientSecretRecord {
  id: string;
  /** Sealed by the master key (SecretBox). */
  sealed: string;
  createdAt: number;
}

export interface ClientRecord {
  id: string;
  poolId: string;
  name: string;
  secrets: ClientSecretRecord[];
  createdAt: number;
  updatedAt: number;
  version: number;
  /** The client's configuration (CreateUserPoolClient members, AWS names). */
  settings: Record<string, unknown>;
}

export interface DomainRecord {
  domain: string;
  poolId: string;
  /** true when a CustomDomainConfig was given (a full host name), false for a prefix domain. */
  custom: boolean;
  createdAt: number;
  updatedAt: number;
  settings: Record<string, unknown>;
}

export type KeyUse = 'id' | 'access' | 'saml';

export interface SigningKeyRecord {
  kid: string;
  poolId: string;
  use: KeyUse;
  alg: string;
  /** Public JWK (kty, n, e, …) without kid/alg/use. */
  publicJwk: Record<string, unknown>;
  /** PKCS#8 PEM private key, sealed by the master key. */
  privateSealed: string;
  /** PEM X.509 certificate, for keys that have one (SAML signing). */
  certificate: string | null;
  createdAt: number;
  /** Set when the key is rotated out: it still verifies (stays in the JWKS) until then, but signs nothing. */
  retiresAt: number | null;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, absent on the last. */
  next?: string;
}
