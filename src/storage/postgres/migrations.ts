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
];
