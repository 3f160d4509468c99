// Row → record mappers for both backends, written once over the three ways their drivers differ.
import type { SyncDeviceRecord } from './interfaces/sync-devices.ts';
import type {
  AuthSessionRecord,
  ClientRecord,
  CodeRecord,
  DeviceRecord,
  DomainRecord,
  GroupRecord,
  IdentityPoolRecord,
  OutboxRecord,
  PoolRecord,
  RefreshTokenRecord,
  SigningKeyRecord,
  UserRecord,
} from './records.ts';
import type { ResourceServerRecord } from './interfaces/resource-servers.ts';

export type Row = Record<string, any>;

/** How a driver hands back the column types that differ: JSON documents, booleans and BIGINT times. */
export interface Dialect {
  /** A JSON column: text to parse (SQLite), or already parsed (PostgreSQL jsonb). */
  json(v: unknown): any;
  /** A boolean column: 0/1 (SQLite) or true/false (PostgreSQL). */
  bool(v: unknown): boolean;
  /** An integer column: a number (SQLite), or a BIGINT as a string (pg). */
  num(v: unknown): number;
}

export interface RowMappers {
  pool(r: Row): PoolRecord;
  device(r: Row): DeviceRecord;
  identityPool(r: Row): IdentityPoolRecord;
  client(r: Row): ClientRecord;
  domain(r: Row): DomainRecord;
  key(r: Row): SigningKeyRecord;
  /** A users row with its attributes, read apart (SQLite) or aggregated into the same row (PostgreSQL). */
  user(r: Row, attributes: Record<string, string>): UserRecord;
  code(r: Row): CodeRecord;
  session(r: Row): AuthSessionRecord;
  refresh(r: Row): RefreshTokenRecord;
  group(r: Row): GroupRecord;
  resourceServer(r: Row): ResourceServerRecord;
  outbox(r: Row): OutboxRecord;
}

export function rowMappers({ json, bool, num }: Dialect): RowMappers {
  const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
  // User pools and identity pools are stored alike, each in its own table.
  const pool = (r: Row) => ({
    id: r.id,
    name: r.name,
    arn: r.arn,
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
    version: num(r.version),
    settings: json(r.settings),
    tags: json(r.tags),
  });
  return {
    pool,
    identityPool: pool,
    client: (r) => ({
      id: r.id,
      poolId: r.pool_id,
      name: r.name,
      secrets: json(r.secrets),
      createdAt: num(r.created_at),
      updatedAt: num(r.updated_at),
      version: num(r.version),
      settings: json(r.settings),
    }),
    domain: (r) => ({
      domain: r.domain,
      poolId: r.pool_id,
      custom: bool(r.custom),
      createdAt: num(r.created_at),
      updatedAt: num(r.updated_at),
      settings: json(r.settings),
    }),
    key: (r) => ({
      kid: r.kid,
      poolId: r.pool_id,
      use: r.use,
      alg: r.alg,
      publicJwk: json(r.public_jwk),
      privateSealed: r.private_sealed,
      certificate: r.certificate ?? null,
      createdAt: num(r.created_at),
      retiresAt: numOrNull(r.retires_at),
    }),
    user: (r, attributes) => ({
      poolId: r.pool_id,
      username: r.username,
      usernameKey: r.username_key,
      sub: r.sub,
      status: r.status,
      enabled: bool(r.enabled),
      attributes,
      credentialsSealed: r.credentials_sealed ?? null,
      mfa: json(r.mfa),
      passwordSetAt: numOrNull(r.password_set_at),
      createdAt: num(r.created_at),
      updatedAt: num(r.updated_at),
      version: num(r.version),
    }),
    code: (r) => ({
      poolId: r.pool_id,
      username: r.username,
      purpose: r.purpose,
      codeHash: r.code_hash,
      createdAt: num(r.created_at),
      expiresAt: num(r.expires_at),
      attempts: num(r.attempts),
      data: json(r.data),
    }),
    device: (r) => ({
      poolId: r.pool_id,
      usernameKey: r.username_key,
      deviceKey: r.device_key,
      groupKey: r.group_key,
      verifierSealed: r.verifier_sealed ?? null,
      status: r.status ?? null,
      name: r.name ?? null,
      lastIp: r.last_ip ?? null,
      createdAt: num(r.created_at),
      updatedAt: num(r.updated_at),
      lastAuthenticatedAt: numOrNull(r.last_authenticated_at),
    }),
    session: (r) => ({
      originJti: r.origin_jti,
      poolId: r.pool_id,
      clientId: r.client_id,
      username: r.username,
      authTime: num(r.auth_time),
      createdAt: num(r.created_at),
      expiresAt: num(r.expires_at),
      revokedAt: numOrNull(r.revoked_at),
      deviceKey: r.device_key ?? null,
    }),
    refresh: (r) => ({
      tokenHash: r.token_hash,
      originJti: r.origin_jti,
      createdAt: num(r.created_at),
      expiresAt: num(r.expires_at),
      supersededAt: numOrNull(r.superseded_at),
    }),
    group: (r) => ({
      poolId: r.pool_id,
      name: r.name,
      description: r.description ?? null,
      roleArn: r.role_arn ?? null,
      precedence: r.precedence ?? null,
      createdAt: num(r.created_at),
      updatedAt: num(r.updated_at),
    }),
    resourceServer: (r) => ({
      poolId: r.pool_id,
      identifier: r.identifier,
      name: r.name,
      scopes: json(r.scopes),
      createdAt: num(r.created_at),
      updatedAt: num(r.updated_at),
    }),
    outbox: (r) => ({
      id: r.id,
      poolId: r.pool_id ?? null,
      channel: r.channel,
      to: r.to_address,
      sealed: r.sealed,
      sentAt: num(r.sent_at),
      expiresAt: num(r.expires_at),
      delivery: r.delivery,
    }),
  };
}

/** A Cognito Sync push device row (both backends hand back these columns alike; created_at through Number for pg's BIGINT). */
export const syncDeviceOf = (r: Row): SyncDeviceRecord => ({
  poolId: r.pool_id,
  identityId: r.identity_id,
  deviceId: r.device_id,
  platform: r.platform,
  tokenHash: r.token_hash,
  createdAt: Number(r.created_at),
});
