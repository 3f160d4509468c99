// The custom senders' code encryption: COGNATE_SENDER_KEYS entries, and messages a RawAesKeyringNode of the configured
// names decrypts with @aws-crypto/client-node (and one of other names does not).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { buildClient, CommitmentPolicy, RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/client-node';
import { codeEncryptor, parseSenderKey, parseSenderKeys } from './code-encryption.ts';

const ARN = 'arn:aws:kms:us-east-1:123456789012:key/abc';
const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
const keyring = (keyNamespace: string, keyName: string, key: Buffer) =>
  new RawAesKeyringNode({ keyNamespace, keyName, unencryptedMasterKey: new Uint8Array(key), wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING });

test('an entry is [keyNamespace:keyName:]base64key; names may hold colons; bad keys and reserved namespaces are refused', () => {
  const key = randomBytes(32);
  assert.deepEqual(parseSenderKey(ARN, key.toString('base64')), { keyNamespace: 'cognate', keyName: null, key });
  assert.deepEqual(parseSenderKey(ARN, `ns:${ARN}:${key.toString('base64')}`), { keyNamespace: 'ns', keyName: ARN, key });
  assert.equal(parseSenderKey(ARN, randomBytes(16).toString('base64')).key.length, 16);
  assert.throws(() => parseSenderKey(ARN, randomBytes(20).toString('base64')), /16, 24 or 32 bytes/);
  assert.throws(() => parseSenderKey(ARN, 'not base64!'), /base64 key/);
  assert.throws(() => parseSenderKey(ARN, `ns:${key.toString('base64')}`), /both names/);
  assert.throws(() => parseSenderKey(ARN, `aws-kms:x:${key.toString('base64')}`), /reserved/);
});

test('codes decrypt with the configured names (default: cognate and the KMSKeyID), not with others; no key → null', async () => {
  const key = randomBytes(32);
  const enc = codeEncryptor(parseSenderKeys({ [ARN]: `app:codes:${key.toString('base64')}`, '*': key.toString('base64') }));
  const named = await enc.encrypt(ARN, '123456');
  const { plaintext } = await decrypt(keyring('app', 'codes', key), Buffer.from(named!, 'base64'));
  assert.equal(plaintext.toString(), '123456');
  await assert.rejects(decrypt(keyring('app', 'other', key), Buffer.from(named!, 'base64')));
  const other = 'arn:aws:kms:us-east-1:123456789012:key/other';
  const wildcard = await enc.encrypt(other, 'Temp-Passw0rd');
  assert.equal((await decrypt(keyring('cognate', other, key), Buffer.from(wildcard!, 'base64'))).plaintext.toString(), 'Temp-Passw0rd');
  assert.equal(await codeEncryptor(parseSenderKeys({ [ARN]: key.toString('base64') })).encrypt(other, 'x'), null);
});
