// Encrypts the codes and temporary passwords Cognate gives to custom sender triggers, as Cognito does: an AWS
// Encryption SDK message (base64), so a handler decrypts it with @aws-crypto/client-node's `decrypt`. Cognito wraps
// the data key with the pool's KMS key (LambdaConfig.KMSKeyID); Cognate wraps it with a raw AES key its
// configuration gives for that KMSKeyID (COGNATE_SENDER_KEYS), which the handler names in a RawAesKeyringNode — or,
// for a KMSKeyID without such a key, asks the KMS API at COGNATE_KMS_ENDPOINT for the data key, as Cognito asks KMS,
// so a handler with a KmsKeyringNode decrypts it unchanged (its SDK pointed at that endpoint).
import {
  buildClient,
  CommitmentPolicy,
  getClient,
  KMS,
  KmsKeyringNode,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
  type KeyringNode,
} from '@aws-crypto/client-node';
import { ConfigError } from '../config/load.ts';

/** The keyNamespace of a configured key that names none. */
export const DEFAULT_KEY_NAMESPACE = 'cognate';

export interface SenderKey {
  keyNamespace: string;
  /** null: the KMSKeyID the pool names. */
  keyName: string | null;
  key: Buffer;
}

const SUITES: Record<number, (typeof RawAesWrappingSuiteIdentifier)[keyof typeof RawAesWrappingSuiteIdentifier]> = {
  16: RawAesWrappingSuiteIdentifier.AES128_GCM_IV12_TAG16_NO_PADDING,
  24: RawAesWrappingSuiteIdentifier.AES192_GCM_IV12_TAG16_NO_PADDING,
  32: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
};

/**
 * One COGNATE_SENDER_KEYS entry: `[keyNamespace:keyName:]base64key`. The key is the last `:`-separated part (base64
 * has no colon), the namespace the first, the name everything between (KMS ARNs have colons); without names the
 * namespace is "cognate" and the name the KMSKeyID itself.
 */
export function parseSenderKey(kmsKeyId: string, value: string): SenderKey {
  const last = value.lastIndexOf(':');
  const first = value.indexOf(':');
  const b64 = value.slice(last + 1).trim();
  const key = Buffer.from(b64, 'base64');
  if (!SUITES[key.length] || key.toString('base64').replace(/=+$/, '') !== b64.replace(/=+$/, ''))
    throw new ConfigError(`COGNATE_SENDER_KEYS: '${kmsKeyId}': expected [keyNamespace:keyName:]<base64 key of 16, 24 or 32 bytes>`);
  if (last < 0) return { keyNamespace: DEFAULT_KEY_NAMESPACE, keyName: null, key };
  const keyNamespace = value.slice(0, first);
  const keyName = value.slice(first + 1, last);
  if (first === last || !keyNamespace || !keyName)
    throw new ConfigError(`COGNATE_SENDER_KEYS: '${kmsKeyId}': expected keyNamespace:keyName:<base64 key>, both names non-empty`);
  // The Encryption SDK reserves provider ids starting "aws-kms" for KMS keyrings.
  if (keyNamespace.startsWith('aws-kms')) throw new ConfigError(`COGNATE_SENDER_KEYS: '${kmsKeyId}': the keyNamespace "aws-kms…" is reserved for KMS`);
  return { keyNamespace, keyName, key };
}

/** Every configured key, checked (at start-up, so a bad entry stops the server rather than a sign-up). */
export function parseSenderKeys(config: Record<string, string>): Map<string, SenderKey> {
  return new Map(Object.entries(config).map(([id, v]) => [id, parseSenderKey(id, v)]));
}

export interface CodeEncryptor {
  /** The base64 Encryption SDK message of `plaintext` under the key for `kmsKeyId`; null when none is configured. */
  encrypt(kmsKeyId: string, plaintext: string, context?: Record<string, string>): Promise<string | null>;
}

/** A KMS API (AWS KMS, or anything that speaks it) and the key that signs calls to it. */
export interface KmsTarget {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export function codeEncryptor(keys: Map<string, SenderKey>, kms?: KmsTarget): CodeEncryptor {
  // Committing algorithm suites with signatures (the SDK's default), which every `decrypt` policy accepts.
  const { encrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  const keyrings = new Map<string, KeyringNode>();
  // The KMS client for the region the key's ARN names (the keyring asks for it by region).
  const kmsClients = kms ? getClient(KMS, { endpoint: kms.endpoint, credentials: kms.credentials }) : null;
  function keyringFor(kmsKeyId: string): KeyringNode | null {
    const found = keyrings.get(kmsKeyId);
    if (found) return found;
    const k = keys.get(kmsKeyId) ?? keys.get('*');
    if (!k) {
      if (!kmsClients || !kmsKeyId.startsWith('arn:')) return null;
      const keyring = new KmsKeyringNode({ generatorKeyId: kmsKeyId, clientProvider: kmsClients });
      keyrings.set(kmsKeyId, keyring);
      return keyring;
    }
    const keyring = new RawAesKeyringNode({
      keyNamespace: k.keyNamespace,
      keyName: k.keyName ?? kmsKeyId,
      unencryptedMasterKey: new Uint8Array(k.key),
      wrappingSuite: SUITES[k.key.length]!,
    });
    keyrings.set(kmsKeyId, keyring);
    return keyring;
  }
  return {
    async encrypt(kmsKeyId, plaintext, context) {
      const keyring = keyringFor(kmsKeyId);
      if (!keyring) return null;
      const { result } = await encrypt(keyring, plaintext, context ? { encryptionContext: context } : {});
      return Buffer.from(result).toString('base64');
    },
  };
}

const byConfig = new WeakMap<object, CodeEncryptor>();

/**
 * The encryptor for a configuration's COGNATE_SENDER_KEYS and COGNATE_KMS_ENDPOINT (KMS calls signed by the admin
 * key), made once per configuration object.
 */
export function encryptorFor(
  config: { senderKeys?: Record<string, string>; kmsEndpoint?: string },
  admin: { accessKeyId: string; secretAccessKey: string },
): CodeEncryptor {
  let e = byConfig.get(config);
  if (!e) {
    const kms = config.kmsEndpoint ? { endpoint: config.kmsEndpoint, credentials: { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey } } : undefined;
    byConfig.set(config, (e = codeEncryptor(parseSenderKeys(config.senderKeys ?? {}), kms)));
  }
  return e;
}
