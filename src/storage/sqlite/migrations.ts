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
];
