// The one schema of every setting: its type, default, flag, environment variable and a one-line doc.

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  publicUrl: string;
  region: string;
  accountId: string;
  dev: boolean;
  adminAccessKeyId: string | undefined;
  adminSecretAccessKey: string | undefined;
  smtpUrl: string | undefined;
  smsWebhookUrl: string | undefined;
  masterKey: string | undefined;
  triggersFile: string | undefined;
  lambdaEndpoint: string | undefined;
  streamsFile: string | undefined;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  logFormat: 'json' | 'pretty';
  /** Bearer token that opens GET /metrics to callers off this machine; undefined: loopback callers only. */
  metricsToken: string | undefined;
  bodyLimit: number;
  /**
   * Base URLs of outside login providers by provider name, for providers not at `https://{name}`
   * (a local or private deployment): the OIDC issuer, or the API base of Facebook, Amazon, Twitter.
   */
  identityProviders: Record<string, string>;
  /** Worker processes serving the port; undefined: the machine's available parallelism. */
  workers: number | undefined;
  /**
   * Keys that encrypt the codes given to custom sender triggers, by the KMSKeyID a pool names (or `*` for any):
   * `[keyNamespace:keyName:]base64 AES key` (16, 24 or 32 bytes), for a RawAesKeyringNode.
   */
  senderKeys: Record<string, string>;
  /** KMS API that encrypts custom sender codes for KMSKeyIDs senderKeys does not name. */
  kmsEndpoint: string | undefined;
}

export interface Setting {
  key: keyof Config;
  /** json: a JSON object of strings (JSON text in a flag or the environment; an object or JSON text in the file) */
  type: 'string' | 'number' | 'boolean' | 'json';
  /** json only: what the object's values are, http(s) URLs unless 'text'. */
  values?: 'url' | 'text';
  flag?: string;
  env?: string;
  default?: string | number | boolean;
  doc: string;
}

export const settings: Setting[] = [
  { key: 'host', type: 'string', flag: '--host', env: 'COGNATE_HOST', default: '127.0.0.1', doc: 'bind address' },
  { key: 'port', type: 'number', flag: '--port', env: 'COGNATE_PORT', default: 9330, doc: 'one port serves every API and page' },
  { key: 'dataDir', type: 'string', flag: '--data-dir', env: 'COGNATE_DATA_DIR', default: './data', doc: 'embedded SQLite store and generated secrets' },
  { key: 'databaseUrl', type: 'string', flag: '--database-url', env: 'COGNATE_DATABASE_URL', doc: 'postgres://… : use PostgreSQL instead of SQLite; many servers may share one database' },
  { key: 'publicUrl', type: 'string', flag: '--public-url', env: 'COGNATE_PUBLIC_URL', doc: 'base of token issuers and page links (default http://HOST:PORT)' },
  { key: 'region', type: 'string', flag: '--region', env: 'COGNATE_REGION', default: 'us-east-1', doc: 'the region in pool and identity ids' },
  { key: 'accountId', type: 'string', flag: '--account-id', env: 'COGNATE_ACCOUNT_ID', default: '000000000000', doc: 'the 12-digit account id in ARNs' },
  { key: 'dev', type: 'boolean', flag: '--dev', env: 'COGNATE_DEV', default: false, doc: 'local-emulator mode: admin calls from this machine accept a SigV4 signature by any key, the outbox is open unsigned to them and every message is kept in it; web pages of other origins reach only the public operations; never on by default' },
  { key: 'adminAccessKeyId', type: 'string', env: 'COGNATE_ADMIN_ACCESS_KEY_ID', doc: 'admin access key id (generated on first start and stored in the data dir when not given)' },
  { key: 'adminSecretAccessKey', type: 'string', env: 'COGNATE_ADMIN_SECRET_ACCESS_KEY', doc: 'admin secret access key (generated with the key id when not given)' },
  { key: 'smtpUrl', type: 'string', env: 'COGNATE_SMTP_URL', doc: 'smtp://host:port for email delivery (default: messages go to the outbox only)' },
  { key: 'smsWebhookUrl', type: 'string', env: 'COGNATE_SMS_WEBHOOK_URL', doc: 'URL that each SMS is POSTed to as JSON {to, body, poolId} (default: SMS messages go to the outbox only)' },
  { key: 'masterKey', type: 'string', env: 'COGNATE_MASTER_KEY', doc: 'base64 32-byte key that encrypts secrets at rest (generated into the data dir when not given; give every server on one database the same)' },
  { key: 'triggersFile', type: 'string', flag: '--triggers', env: 'COGNATE_TRIGGERS_FILE', doc: 'JSON file mapping Lambda ARNs of pool triggers to a local module, an HTTP URL or a Lambda Invoke API (README, "Lambda triggers")' },
  { key: 'lambdaEndpoint', type: 'string', env: 'COGNATE_LAMBDA_ENDPOINT', doc: 'http://host:port of a Lambda Invoke API that every trigger ARN not mapped by --triggers is invoked at, signed by the admin key' },
  { key: 'streamsFile', type: 'string', flag: '--streams', env: 'COGNATE_STREAMS_FILE', doc: 'JSON file mapping the StreamName of identity pools\' Cognito Streams to a NATS JetStream subject, a Redis stream or an HTTP webhook (README, "Cognito Streams")' },
  { key: 'logLevel', type: 'string', flag: '--log-level', env: 'COGNATE_LOG_LEVEL', default: 'info', doc: 'debug, info, warn or error' },
  { key: 'logFormat', type: 'string', flag: '--log-format', env: 'COGNATE_LOG_FORMAT', default: 'json', doc: 'json (one JSON record a line) or pretty (one readable line a record)' },
  { key: 'metricsToken', type: 'string', env: 'COGNATE_METRICS_TOKEN', doc: 'GET /metrics answers only callers on this machine, and those sending Authorization: Bearer THIS_TOKEN' },
  {
    key: 'identityProviders',
    type: 'json',
    flag: '--identity-providers',
    env: 'COGNATE_IDENTITY_PROVIDERS',
    doc: 'JSON object: login provider name of identity pools (accounts.google.com, appleid.apple.com, graph.facebook.com, www.amazon.com, api.twitter.com, or an OIDC provider\'s host/path) → the URL Cognate reaches it at instead of its public one (the OIDC issuer; the API base of Facebook, Amazon, Twitter)',
  },
  {
    key: 'senderKeys',
    type: 'json',
    values: 'text',
    env: 'COGNATE_SENDER_KEYS',
    doc: "JSON object: a pool's LambdaConfig.KMSKeyID (or * for any) → '[keyNamespace:keyName:]base64 AES key' (16, 24 or 32 bytes) that encrypts the codes given to its CustomEmailSender / CustomSMSSender, in the AWS Encryption SDK format, for a RawAesKeyringNode (default names: cognate and the KMSKeyID)",
  },
  { key: 'kmsEndpoint', type: 'string', env: 'COGNATE_KMS_ENDPOINT', doc: "http://host:port of a KMS API (GenerateDataKey) that encrypts custom sender codes for a pool's KMSKeyID that COGNATE_SENDER_KEYS does not name, signed by the admin key" },
  { key: 'workers', type: 'number', flag: '--workers', env: 'COGNATE_WORKERS', doc: "worker processes serving the one port (default: the machine's available parallelism; 1 for a single process)" },
  { key: 'bodyLimit', type: 'number', env: 'COGNATE_BODY_LIMIT', default: 1048576, doc: 'largest request body in bytes' },
];
