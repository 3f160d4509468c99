// Custom email sender exactly as AWS's developer guide writes it: a KmsKeyringNode for the key ARN in the function's
// environment (KEY_ARN), the SDK's default KMS client (pointed at the test's KMS by AWS_ENDPOINT_URL_KMS); records the
// decrypted code with the event in globalThis.__senderCodes.
import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';

const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);

export const handler = async (event) => {
  const keyring = new KmsKeyringNode({ keyIds: [process.env.KEY_ARN] });
  let plainTextCode;
  if (event.request.code) {
    const { plaintext } = await decrypt(keyring, Buffer.from(event.request.code, 'base64'));
    plainTextCode = plaintext.toString('utf8');
  }
  (globalThis.__senderCodes ??= []).push({ event, code: plainTextCode });
  return;
};
