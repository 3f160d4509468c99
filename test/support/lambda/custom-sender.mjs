// Custom email / SMS sender, as AWS's developer guide writes one, with the keyring Cognate's configuration names
// instead of a KmsKeyringNode: decrypts event.request.code with the AWS Encryption SDK and "sends" it (records it
// with the event for the test, in globalThis.__senderCodes).
import { buildClient, CommitmentPolicy, RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/client-node';

const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);

function keyring() {
  return new RawAesKeyringNode({
    keyNamespace: process.env.SENDER_KEY_NAMESPACE,
    keyName: process.env.SENDER_KEY_NAME,
    unencryptedMasterKey: new Uint8Array(Buffer.from(process.env.SENDER_KEY_MATERIAL, 'base64')),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
}

export const handler = async (event) => {
  let plainTextCode;
  if (event.request.code) {
    const { plaintext } = await decrypt(keyring(), Buffer.from(event.request.code, 'base64'));
    plainTextCode = plaintext.toString('utf8');
  }
  (globalThis.__senderCodes ??= []).push({ event, code: plainTextCode });
  return;
};
