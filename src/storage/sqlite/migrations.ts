// SQLite migrations: numbered and append-only. Never edit one that has shipped; add the next.

export const migrations: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'pools, clients, domains, signing keys, meta',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE pools (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        arn TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        version INTEGER NOT NULL,
        settings TEXT NOT NULL,
        tags TEXT NOT NULL
      );
      CREATE INDEX pools_created ON pools (created_at, id);
      CREATE TABLE clients (
        id TEXT PRIMARY KEY,
        pool_id TEXT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        secrets TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        version INTEGER NOT NULL,
        settings TEXT NOT NULL
      );
      CREATE INDEX clients_pool ON clients (pool_id, created_at, id);
      CREATE TABLE domains (
        domain TEXT PRIMARY KEY,
        pool_id TEXT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
        custom INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        settings TEXT NOT NULL
      );
      CREATE INDEX domains_pool ON domains (pool_id);
      CREATE TABLE signing_keys (
        kid TEXT PRIMARY KEY,
        pool_id TEXT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
        use TEXT NOT NULL,
        alg TEXT NOT NULL,
        public_jwk TEXT NOT NULL,
        private_sealed TEXT NOT NULL,
        certificate TEXT,
        created_at INTEGER NOT NULL,
        retires_at INTEGER
      );
      CREATE INDEX signing_keys_pool ON signing_keys (pool_id, created_at);
    `,
  },
  {
    version: 2,
    name: 'users, user attributes, codes, sessions, refresh tokens, counters, lockouts, outbox',
    // value_ci is written by the store as value.toLowerCase() (JavaScript's full Unicode folding, the same the
    // username key uses), not by SQLite's lower(), which folds ASCII only and would disagree with PostgreSQL.
    // Codes and sessions name the user by username rather than by a foreign key to users: a username can be
    // deleted and created again, and the new user must not inherit anything; users.delete removes them itself.
    sql: `
      CREATE TABLE users (
        pool_id TEXT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
        username TEXT NOT NULL,
        username_key TEXT NOT NULL,
        sub TEXT NOT NULL,
        status TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        credentials_sealed TEXT,
        mfa TEXT NOT NULL,
        password_set_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (pool_id, username_key),
        UNIQUE (pool_id, sub)
      );
      CREATE INDEX users_pool_created ON users (pool_id, created_at, username_key);
      CREATE TABLE user_attributes (
        pool_id TEXT NOT NULL,
        username_key TEXT NOT NULL,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        value_ci TEXT NOT NULL,
        PRIMARY KEY (pool_id, username_key, name),
        FOREIGN KEY (pool_id, username_key) REFERENCES users (pool_id, username_key) ON DELETE CASCADE
      );
      CREATE INDEX user_attributes_value ON user_attributes (pool_id, name, value);
      CREATE INDEX user_attributes_value_ci ON user_attributes (pool_id, name, value_ci);
      CREATE TABLE codes (
        pool_id TEXT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
        username TEXT NOT NULL,
        purpose TEXT NOT NULL,
        code_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (pool_id, username, purpose)
      );
      CREATE TABLE auth_sessions (
        origin_jti TEXT PRIMARY KEY,
        pool_id TEXT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
        client_id TEXT NOT NULL,
        username TEXT NOT NULL,
        auth_time INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER,
        device_key TEXT
      );
      CREATE INDEX auth_sessions_user ON auth_sessions (pool_id, username);
      CREATE INDEX auth_sessions_expires ON auth_sessions (expires_at);
      CREATE TABLE refresh_tokens (
        token_hash TEXT PRIMARY KEY,
        origin_jti TEXT NOT NULL REFERENCES auth_sessions (origin_jti) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        superseded_at INTEGER
      );
      CREATE INDEX refresh_tokens_session ON refresh_tokens (origin_jti);
      CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);
      CREATE TABLE counters (
        key TEXT PRIMARY KEY,
        count INTEGER NOT NULL,
        window_start INTEGER NOT NULL,
        window_ms INTEGER NOT NULL
      );
      CREATE TABLE lockouts (
        key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        locked_until INTEGER NOT NULL
      );
      CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        pool_id TEXT,
        channel TEXT NOT NULL,
        to_address TEXT NOT NULL,
        subject TEXT,
        body TEXT NOT NULL,
        sent_at INTEGER NOT NULL,
        delivery TEXT NOT NULL
      );
      CREATE INDEX outbox_to ON outbox (to_address, sent_at, id);
      CREATE INDEX outbox_sent ON outbox (sent_at, id);
    `,
  },
  {
    version: 3,
    name: 'ListUsers indexes (status, enabled, attribute values in creation order), groups, group members',
    // ListUsers pages users in (created_at, username_key) order. An equality filter on status, enabled or an attribute
    // reads an index that ends in those two columns, so a page is a range of it however many users match; a prefix
    // filter ranges over an index and sorts what matches. Attribute rows therefore carry their user's created_at
    // (user_created_at: it never changes), and so do memberships, for ListUsersInGroup; the value indexes are rebuilt
    // with it. Username and sub use the primary key and unique indexes of migration 2: every index costs each user
    // write a page.
    sql: `
      CREATE INDEX users_pool_status ON users (pool_id, status, created_at, username_key);
      CREATE INDEX users_pool_enabled ON users (pool_id, enabled, created_at, username_key);
      ALTER TABLE user_attributes ADD COLUMN user_created_at INTEGER NOT NULL DEFAULT 0;
      UPDATE user_attributes SET user_created_at = (
        SELECT u.created_at FROM users u WHERE u.pool_id = user_attributes.pool_id AND u.username_key = user_attributes.username_key
      );
      DROP INDEX user_attributes_value;
      DROP INDEX user_attributes_value_ci;
      CREATE INDEX user_attributes_value ON user_attributes (pool_id, name, value, user_created_at, username_key);
      CREATE INDEX user_attributes_value_ci ON user_attributes (pool_id, name, value_ci, user_created_at, username_key);
      CREATE TABLE groups (
        pool_id TEXT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        description TEXT,
        role_arn TEXT,
        precedence INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (pool_id, name)
      );
      CREATE TABLE group_members (
        pool_id TEXT NOT NULL,
        group_name TEXT NOT NULL,
        username_key TEXT NOT NULL,
        user_created_at INTEGER NOT NULL,
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
      ALTER TABLE lockouts ADD COLUMN last_failure_at INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX lockouts_last_failure ON lockouts (last_failure_at);
      CREATE INDEX counters_expiry ON counters (window_start + window_ms);
    `,
  },
  {
    version: 5,
    name: 'outbox ties in insertion order (rowid)',
    // Messages sent in the same millisecond list newest-added first: every index entry ends in the rowid.
    sql: `
      DROP INDEX outbox_to;
      DROP INDEX outbox_sent;
      CREATE INDEX outbox_to ON outbox (to_address, sent_at);
      CREATE INDEX outbox_sent ON outbox (sent_at);
    `,
  },
  {
    version: 6,
    name: 'outbox sealed and expiring (plaintext messages dropped)',
    // Messages carry codes and temporary passwords: the subject and body are now one column sealed by the master key,
    // and each row expires with its code. The old rows held them in plain text and SQL cannot seal them, so they
    // are dropped (a user asks for a new code; an administrator re-sends an invitation with AdminCreateUser RESEND).
    // The store runs with secure_delete on, so the dropped pages are zeroed; after this migration it also VACUUMs and
    // truncates the WAL (sqlite/index.ts), so no copy of them is left in free pages or the log.
    sql: `
      DROP TABLE outbox;
      CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        pool_id TEXT,
        channel TEXT NOT NULL,
        to_address TEXT NOT NULL,
        sealed TEXT NOT NULL,
        sent_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        delivery TEXT NOT NULL
      );
      CREATE INDEX outbox_to ON outbox (to_address, sent_at);
      CREATE INDEX outbox_sent ON outbox (sent_at);
      CREATE INDEX outbox_expires ON outbox (expires_at);
    `,
  },
  {
    version: 7,
    name: 'identity pools',
    sql: `
      CREATE TABLE identity_pools (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        arn TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        version INTEGER NOT NULL,
        settings TEXT NOT NULL,
        tags TEXT NOT NULL
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
        name_key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role_id TEXT NOT NULL,
        arn TEXT NOT NULL,
        path TEXT NOT NULL,
        assume_role_policy TEXT NOT NULL,
        description TEXT,
        max_session_duration INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX iam_roles_name ON iam_roles (name);
      CREATE TABLE iam_role_policies (
        role_key TEXT NOT NULL REFERENCES iam_roles (name_key),
        name_key TEXT NOT NULL,
        name TEXT NOT NULL,
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
        id TEXT PRIMARY KEY,
        pool_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        logins TEXT NOT NULL
      );
      CREATE INDEX identities_pool ON identities (pool_id, created_at, id);
      CREATE TABLE identity_logins (
        pool_id TEXT NOT NULL,
        provider TEXT NOT NULL,
        user_id TEXT NOT NULL,
        identity_id TEXT NOT NULL REFERENCES identities (id),
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
        arn TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        client_ids TEXT NOT NULL,
        thumbprints TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 14,
    name: 'IAM SAML providers',
    // Account-wide, as IAM's: one row per provider ARN with its IdP metadata document.
    sql: `
      CREATE TABLE iam_saml_providers (
        arn TEXT PRIMARY KEY,
        metadata TEXT NOT NULL,
        valid_until INTEGER,
        created_at INTEGER NOT NULL
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
        pool_id TEXT NOT NULL,
        username_key TEXT NOT NULL,
        device_key TEXT NOT NULL,
        group_key TEXT NOT NULL,
        verifier_sealed TEXT,
        status TEXT,
        name TEXT,
        last_ip TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        last_authenticated_at INTEGER,
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
        pool_id TEXT NOT NULL,
        identity_id TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        modified_by TEXT NOT NULL,
        sync_count INTEGER NOT NULL,
        data_storage INTEGER NOT NULL,
        num_records INTEGER NOT NULL,
        deleted_at_sync_count INTEGER,
        live INTEGER NOT NULL,
        PRIMARY KEY (identity_id, name)
      );
      CREATE INDEX sync_datasets_pool ON sync_datasets (pool_id);
      CREATE TABLE sync_records (
        identity_id TEXT NOT NULL,
        dataset TEXT NOT NULL,
        key TEXT NOT NULL,
        value_sealed TEXT,
        size INTEGER NOT NULL,
        sync_count INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        modified_by TEXT NOT NULL,
        device_modified_at INTEGER,
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
        pool_id TEXT PRIMARY KEY,
        push_set INTEGER NOT NULL DEFAULT 0,
        push_application_arns TEXT,
        push_role_arn TEXT,
        streams_set INTEGER NOT NULL DEFAULT 0,
        stream_name TEXT,
        stream_role_arn TEXT,
        streaming_status TEXT,
        sync_trigger_arn TEXT,
        bulk_status TEXT,
        bulk_started_at INTEGER,
        bulk_completed_at INTEGER,
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
        identity_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        pool_id TEXT NOT NULL,
        platform TEXT NOT NULL,
        token_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (identity_id, device_id)
      );
      CREATE UNIQUE INDEX sync_devices_token ON sync_devices (identity_id, platform, token_hash);
      CREATE TABLE sync_subscriptions (
        identity_id TEXT NOT NULL,
        dataset TEXT NOT NULL,
        device_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
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
        pool_id TEXT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
        identifier TEXT NOT NULL,
        name TEXT NOT NULL,
        scopes TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (pool_id, identifier)
      );
    `,
  },
];
