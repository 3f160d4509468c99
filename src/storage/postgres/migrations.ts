// PostgreSQL migrations: numbered and append-only, the same versions and logical tables as sqlite/migrations.ts.
// Never edit one that has shipped; add the next.
//
// Identifiers are COLLATE "C" so keyset pagination orders ids byte-wise, exactly as SQLite does,
// whatever the database's default collation is.

export const migrations: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'pools, clients, domains, signing keys, meta',
    sql: `
      CREATE TABLE meta (key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE pools (
        id TEXT COLLATE "C" PRIMARY KEY,
        name TEXT NOT NULL,
        arn TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        version INTEGER NOT NULL,
        settings JSONB NOT NULL,
        tags JSONB NOT NULL
      );
      CREATE INDEX pools_created ON pools (created_at, id);
      CREATE TABLE clients (
        id TEXT COLLATE "C" PRIMARY KEY,
        pool_id TEXT COLLATE "C" NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        secrets JSONB NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        version INTEGER NOT NULL,
        settings JSONB NOT NULL
      );
      CREATE INDEX clients_pool ON clients (pool_id, created_at, id);
      CREATE TABLE domains (
        domain TEXT COLLATE "C" PRIMARY KEY,
        pool_id TEXT COLLATE "C" NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
        custom BOOLEAN NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        settings JSONB NOT NULL
      );
      CREATE INDEX domains_pool ON domains (pool_id);
      CREATE TABLE signing_keys (
        kid TEXT COLLATE "C" PRIMARY KEY,
        pool_id TEXT COLLATE "C" NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
        use TEXT NOT NULL,
        alg TEXT NOT NULL,
        public_jwk JSONB NOT NULL,
        private_sealed TEXT NOT NULL,
        certificate TEXT,
        created_at BIGINT NOT NULL,
        retires_at BIGINT
      );
      CREATE INDEX signing_keys_pool ON signing_keys (pool_id, created_at);
    `,
  },
  {
    version: 2,
    name: 'users, user attributes, codes, sessions, refresh tokens, counters, lockouts, outbox',
    // As sqlite/migrations.ts version 2. Attribute values are COLLATE "C" too, so a prefix (^=) filter can range
    // over the value indexes byte-wise; value_ci is written by the store as value.toLowerCase(), the same folding on
    // both backends whatever the database's locale. The value indexes hold the first 512 characters, not the whole
    // value: a btree entry is at most 2704 bytes, and a legal 2048-character value can be 8 KiB of UTF-8. Lookups
    // compare left(value, 512) (indexed) and then value itself; a prefix filter ranges over left(value, 512).
    // Codes and sessions name the user by username, not by a foreign key to users: a deleted username can be
    // created again and must inherit nothing (users.delete removes them).
    sql: `
      CREATE TABLE users (
        pool_id TEXT COLLATE "C" NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
        username TEXT COLLATE "C" NOT NULL,
        username_key TEXT COLLATE "C" NOT NULL,
        sub TEXT COLLATE "C" NOT NULL,
        status TEXT NOT NULL,
        enabled BOOLEAN NOT NULL,
        credentials_sealed TEXT,
        mfa JSONB NOT NULL,
        password_set_at BIGINT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (pool_id, username_key),
        UNIQUE (pool_id, sub)
      );
      CREATE INDEX users_pool_created ON users (pool_id, created_at, username_key);
      CREATE TABLE user_attributes (
        pool_id TEXT COLLATE "C" NOT NULL,
        username_key TEXT COLLATE "C" NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        value TEXT COLLATE "C" NOT NULL,
        value_ci TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (pool_id, username_key, name),
        FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
      );
      CREATE INDEX user_attributes_value ON user_attributes (pool_id, name, left(value, 512));
      CREATE INDEX user_attributes_value_ci ON user_attributes (pool_id, name, left(value_ci, 512));
      CREATE TABLE codes (
        pool_id TEXT COLLATE "C" NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
        username TEXT COLLATE "C" NOT NULL,
        purpose TEXT COLLATE "C" NOT NULL,
        code_hash TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        attempts INTEGER NOT NULL,
        data JSONB NOT NULL,
        PRIMARY KEY (pool_id, username, purpose)
      );
      CREATE TABLE auth_sessions (
        origin_jti TEXT COLLATE "C" PRIMARY KEY,
        pool_id TEXT COLLATE "C" NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
        client_id TEXT COLLATE "C" NOT NULL,
        username TEXT COLLATE "C" NOT NULL,
        auth_time BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        revoked_at BIGINT,
        device_key TEXT
      );
      CREATE INDEX auth_sessions_user ON auth_sessions (pool_id, username);
      CREATE INDEX auth_sessions_expires ON auth_sessions (expires_at);
      CREATE TABLE refresh_tokens (
        token_hash TEXT COLLATE "C" PRIMARY KEY,
        origin_jti TEXT COLLATE "C" NOT NULL REFERENCES auth_sessions (origin_jti) ON DELETE CASCADE,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        superseded_at BIGINT
      );
      CREATE INDEX refresh_tokens_session ON refresh_tokens (origin_jti);
      CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);
      CREATE TABLE counters (
        key TEXT COLLATE "C" PRIMARY KEY,
        count INTEGER NOT NULL,
        window_start BIGINT NOT NULL,
        window_ms BIGINT NOT NULL
      );
      CREATE TABLE lockouts (
        key TEXT COLLATE "C" PRIMARY KEY,
        failures INTEGER NOT NULL,
        locked_until BIGINT NOT NULL
      );
      CREATE TABLE outbox (
        id TEXT COLLATE "C" PRIMARY KEY,
        pool_id TEXT COLLATE "C",
        channel TEXT NOT NULL,
        to_address TEXT COLLATE "C" NOT NULL,
        subject TEXT,
        body TEXT NOT NULL,
        sent_at BIGINT NOT NULL,
        delivery TEXT NOT NULL
      );
      CREATE INDEX outbox_to ON outbox (to_address, sent_at, id);
      CREATE INDEX outbox_sent ON outbox (sent_at, id);
    `,
  },
  {
    version: 3,
    name: 'ListUsers indexes (status, enabled, attribute values in creation order), groups, group members',
    // As sqlite/migrations.ts version 3. ListUsers pages users in (created_at, username_key) order: an equality filter
    // on status, enabled or an attribute reads an index in that order, so a page is a range of it however many users
    // match; a prefix filter ranges over an index and sorts what matches. Attribute rows carry their user's created_at
    // (user_created_at: it never changes), and so do memberships, for ListUsersInGroup. The value indexes end in
    // user_created_at alone, not username_key too: with 512 characters of value (up to 2 KiB) and a 128-character
    // key (up to 512 bytes) an entry could pass the 2704-byte limit; ties on created_at are sorted after the index.
    // status becomes COLLATE "C" like the other identifiers, so a prefix of it is a byte-wise index range.
    sql: `
      ALTER TABLE users ALTER COLUMN status TYPE TEXT COLLATE "C";
      CREATE INDEX users_pool_status ON users (pool_id, status, created_at, username_key);
      CREATE INDEX users_pool_enabled ON users (pool_id, enabled, created_at, username_key);
      ALTER TABLE user_attributes ADD COLUMN user_created_at BIGINT NOT NULL DEFAULT 0;
      UPDATE user_attributes a SET user_created_at = u.created_at
        FROM users u WHERE u.pool_id = a.pool_id AND u.username_key = a.username_key;
      ALTER TABLE user_attributes ALTER COLUMN user_created_at DROP DEFAULT;
      DROP INDEX user_attributes_value;
      DROP INDEX user_attributes_value_ci;
      CREATE INDEX user_attributes_value ON user_attributes (pool_id, name, left(value, 512), user_created_at);
      CREATE INDEX user_attributes_value_ci ON user_attributes (pool_id, name, left(value_ci, 512), user_created_at);
      CREATE TABLE groups (
        pool_id TEXT COLLATE "C" NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
        name TEXT COLLATE "C" NOT NULL,
        description TEXT,
        role_arn TEXT,
        precedence INTEGER,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (pool_id, name)
      );
      CREATE TABLE group_members (
        pool_id TEXT COLLATE "C" NOT NULL,
        group_name TEXT COLLATE "C" NOT NULL,
        username_key TEXT COLLATE "C" NOT NULL,
        user_created_at BIGINT NOT NULL,
        PRIMARY KEY (pool_id, group_name, username_key),
        FOREIGN KEY (pool_id, group_name) REFERENCES groups (pool_id, name) ON DELETE CASCADE,
        FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
      );
      CREATE INDEX group_members_user ON group_members (pool_id, username_key, group_name);
      CREATE INDEX group_members_order ON group_members (pool_id, group_name, user_created_at, username_key);
    `,
  },
  {
    version: 4,
    name: 'housekeeping: counter expiry index, last failure time of lockouts',
    sql: `
      ALTER TABLE lockouts ADD COLUMN last_failure_at BIGINT NOT NULL DEFAULT 0;
      CREATE INDEX lockouts_last_failure ON lockouts (last_failure_at);
      CREATE INDEX counters_expiry ON counters ((window_start + window_ms));
    `,
  },
  {
    version: 5,
    name: 'outbox ties in insertion order (seq)',
    sql: `
      ALTER TABLE outbox ADD COLUMN seq BIGSERIAL;
      DROP INDEX outbox_to;
      DROP INDEX outbox_sent;
      CREATE INDEX outbox_to ON outbox (to_address, sent_at, seq);
      CREATE INDEX outbox_sent ON outbox (sent_at, seq);
    `,
  },
  {
    version: 6,
    name: 'outbox sealed and expiring (plaintext messages dropped)',
    // As sqlite/migrations.ts version 6: subject and body sealed by the master key in one column, an expiry per row;
    // the plaintext rows cannot be sealed in SQL and are dropped (DROP TABLE removes their files).
    sql: `
      DROP TABLE outbox;
      CREATE TABLE outbox (
        id TEXT COLLATE "C" PRIMARY KEY,
        pool_id TEXT COLLATE "C",
        channel TEXT NOT NULL,
        to_address TEXT COLLATE "C" NOT NULL,
        sealed TEXT NOT NULL,
        sent_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        delivery TEXT NOT NULL,
        seq BIGSERIAL
      );
      CREATE INDEX outbox_to ON outbox (to_address, sent_at, seq);
      CREATE INDEX outbox_sent ON outbox (sent_at, seq);
      CREATE INDEX outbox_expires ON outbox (expires_at);
    `,
  },
  {
    version: 7,
    name: 'identity pools',
    sql: `
      CREATE TABLE identity_pools (
        id TEXT COLLATE "C" PRIMARY KEY,
        name TEXT NOT NULL,
        arn TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        version INTEGER NOT NULL,
        settings JSONB NOT NULL,
        tags JSONB NOT NULL
      );
      CREATE INDEX identity_pools_created ON identity_pools (created_at, id);
    `,
  },
  {
    version: 8,
    name: 'IAM roles and their inline policies',
    // Account-wide, as IAM's: names unique case-insensitively (the *_key columns hold the lower-cased name).
    sql: `
      CREATE TABLE iam_roles (
        name_key TEXT COLLATE "C" PRIMARY KEY,
        name TEXT COLLATE "C" NOT NULL,
        role_id TEXT NOT NULL,
        arn TEXT NOT NULL,
        path TEXT COLLATE "C" NOT NULL,
        assume_role_policy TEXT NOT NULL,
        description TEXT,
        max_session_duration INTEGER NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX iam_roles_name ON iam_roles (name);
      CREATE TABLE iam_role_policies (
        role_key TEXT COLLATE "C" NOT NULL REFERENCES iam_roles (name_key),
        name_key TEXT COLLATE "C" NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        document TEXT NOT NULL,
        PRIMARY KEY (role_key, name_key)
      );
    `,
  },
  {
    version: 9,
    name: 'identities of identity pools and their logins',
    // identity_logins is unique per (pool, provider, provider user id): one login is one identity.
    sql: `
      CREATE TABLE identities (
        id TEXT COLLATE "C" PRIMARY KEY,
        pool_id TEXT COLLATE "C" NOT NULL,
        created_at BIGINT NOT NULL,
        modified_at BIGINT NOT NULL,
        logins TEXT NOT NULL
      );
      CREATE INDEX identities_pool ON identities (pool_id, created_at, id);
      CREATE TABLE identity_logins (
        pool_id TEXT COLLATE "C" NOT NULL,
        provider TEXT COLLATE "C" NOT NULL,
        user_id TEXT COLLATE "C" NOT NULL,
        identity_id TEXT COLLATE "C" NOT NULL REFERENCES identities (id),
        PRIMARY KEY (pool_id, provider, user_id)
      );
      CREATE INDEX identity_logins_identity ON identity_logins (identity_id);
    `,
  },
  {
    version: 11,
    name: 'IAM OpenID Connect providers',
    // Account-wide, as IAM's: one row per provider ARN; client ids and thumbprints as JSON lists.
    sql: `
      CREATE TABLE iam_oidc_providers (
        arn TEXT COLLATE "C" PRIMARY KEY,
        url TEXT NOT NULL,
        client_ids TEXT NOT NULL,
        thumbprints TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 14,
    name: 'IAM SAML providers',
    // Account-wide, as IAM's: one row per provider ARN with its IdP metadata document.
    sql: `
      CREATE TABLE iam_saml_providers (
        arn TEXT COLLATE "C" PRIMARY KEY,
        metadata TEXT NOT NULL,
        valid_until BIGINT,
        created_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 17,
    name: 'devices (remembered devices)',
    // A device goes with its user (the foreign key deletes it with them); its SRP verifier is sealed by the domain.
    // Devices never confirmed are purged by housekeeping (devices_unconfirmed).
    sql: `
      CREATE TABLE devices (
        pool_id TEXT COLLATE "C" NOT NULL,
        username_key TEXT COLLATE "C" NOT NULL,
        device_key TEXT COLLATE "C" NOT NULL,
        group_key TEXT NOT NULL,
        verifier_sealed TEXT,
        status TEXT,
        name TEXT,
        last_ip TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        last_authenticated_at BIGINT,
        PRIMARY KEY (pool_id, device_key),
        FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
      );
      CREATE INDEX devices_user ON devices (pool_id, username_key, created_at, device_key);
      CREATE INDEX devices_unconfirmed ON devices (created_at) WHERE verifier_sealed IS NULL;
    `,
  },
  {
    version: 18,
    name: 'Cognito Sync datasets and records',
    // A dataset row outlives DeleteDataset (live = 0) so its sync counter never goes back; records of a dataset by key,
    // values sealed by the domain, tombstones (value_sealed NULL) kept; read in (sync_count, key) order.
    sql: `
      CREATE TABLE sync_datasets (
        pool_id TEXT COLLATE "C" NOT NULL,
        identity_id TEXT COLLATE "C" NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        created_at BIGINT NOT NULL,
        modified_at BIGINT NOT NULL,
        modified_by TEXT NOT NULL,
        sync_count BIGINT NOT NULL,
        data_storage BIGINT NOT NULL,
        num_records BIGINT NOT NULL,
        deleted_at_sync_count BIGINT,
        live BOOLEAN NOT NULL,
        PRIMARY KEY (identity_id, name)
      );
      CREATE INDEX sync_datasets_pool ON sync_datasets (pool_id);
      CREATE TABLE sync_records (
        identity_id TEXT COLLATE "C" NOT NULL,
        dataset TEXT COLLATE "C" NOT NULL,
        key TEXT COLLATE "C" NOT NULL,
        value_sealed TEXT,
        size BIGINT NOT NULL,
        sync_count BIGINT NOT NULL,
        modified_at BIGINT NOT NULL,
        modified_by TEXT NOT NULL,
        device_modified_at BIGINT,
        PRIMARY KEY (identity_id, dataset, key)
      );
      CREATE INDEX sync_records_changes ON sync_records (identity_id, dataset, sync_count, key);
    `,
  },
  {
    version: 19,
    name: 'Cognito Sync identity pool settings',
    // Per identity pool: push sync and Cognito Streams (SetIdentityPoolConfiguration; *_set tells a part never given
    // from one given empty), the SyncTrigger function (SetCognitoEvents) and the latest BulkPublish; on datasets,
    // the name a dataset moved from a merged identity was renamed from (MergedDatasetNames).
    sql: `
      CREATE TABLE sync_pool_config (
        pool_id TEXT COLLATE "C" PRIMARY KEY,
        push_set INTEGER NOT NULL DEFAULT 0,
        push_application_arns TEXT,
        push_role_arn TEXT,
        streams_set INTEGER NOT NULL DEFAULT 0,
        stream_name TEXT,
        stream_role_arn TEXT,
        streaming_status TEXT,
        sync_trigger_arn TEXT,
        bulk_status TEXT,
        bulk_started_at BIGINT,
        bulk_completed_at BIGINT,
        bulk_failure TEXT
      );
      ALTER TABLE sync_datasets ADD COLUMN merged_from TEXT;
    `,
  },
  {
    version: 20,
    name: 'Cognito Sync push devices and dataset subscriptions',
    // A device is one (identity, platform, push token hash) with the DeviceId RegisterDevice gave it; subscriptions
    // name datasets of the device's identity (made or not yet); the change feed reads them by (identity, dataset).
    sql: `
      CREATE TABLE sync_devices (
        identity_id TEXT COLLATE "C" NOT NULL,
        device_id TEXT COLLATE "C" NOT NULL,
        pool_id TEXT COLLATE "C" NOT NULL,
        platform TEXT NOT NULL,
        token_hash TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (identity_id, device_id)
      );
      CREATE UNIQUE INDEX sync_devices_token ON sync_devices (identity_id, platform, token_hash);
      CREATE TABLE sync_subscriptions (
        identity_id TEXT COLLATE "C" NOT NULL,
        dataset TEXT COLLATE "C" NOT NULL,
        device_id TEXT COLLATE "C" NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (identity_id, dataset, device_id)
      );
    `,
  },
  {
    version: 21,
    name: 'OAuth 2.0 resource servers of user pools',
    // A server goes with its pool; its scopes ({name, description} in the order given, at most 100) are one JSON list,
    // read and written whole as the API does.
    sql: `
      CREATE TABLE resource_servers (
        pool_id TEXT COLLATE "C" NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
        identifier TEXT COLLATE "C" NOT NULL,
        name TEXT NOT NULL,
        scopes JSONB NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (pool_id, identifier)
      );
    `,
  },
];
