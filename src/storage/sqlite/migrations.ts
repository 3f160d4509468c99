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
];
