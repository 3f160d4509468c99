// Test support: a KMS API (AWS JSON 1.1, X-Amz-Target TrentService.GenerateDataKey / Decrypt, SigV4 service kms)
// for symmetric keys by ARN, enough for the AWS Encryption SDK's KmsKeyringNode. A ciphertext blob is this server's
// own: the key ARN, then AES-256-GCM of the data key under a per-server secret, bound to the ARN and the encryption
// context. Every call is recorded.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySigV4 } from '../../src/protocol/sigv4.ts';

export interface KmsServer {
  endpoint: string;
  calls: { operation: string; keyId: string | undefined; accessKeyId: string | undefined }[];
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const aad = (keyId: string, context: Record<string, string> | undefined) =>
  Buffer.from(JSON.stringify([keyId, Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))]));

/** Keys are the ARNs in `keys`; `key` signs (SigV4, any region). */
export async function startKms(key: { accessKeyId: string; secretAccessKey: string }, keys: string[]): Promise<KmsServer> {
  const secret = randomBytes(32);
  const calls: KmsServer['calls'] = [];
  const server = createServer(async (req, res) => {
    const body = await bodyOf(req);
    const answer = (status: number, out: object, type?: string) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...(type ? { 'x-amzn-errortype': type } : {}) });
      res.end(JSON.stringify(type ? { __type: type, message: (out as { message: string }).message } : out));
    };
    const [path, query = ''] = (req.url ?? '/').split('?') as [string, string?];
    const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(req.headers.authorization))?.[1] ?? 'us-east-1';
    try {
      await verifySigV4(
        { method: req.method ?? 'POST', path, query, headers: req.headers, body },
        { resolver: { resolve: async (id) => (id === key.accessKeyId ? { secretAccessKey: key.secretAccessKey } : null) }, region, services: ['kms'], nowMs: Date.now() },
      );
    } catch (e) {
      return answer(400, { message: (e as Error).message }, 'UnrecognizedClientException');
    }
    const operation = String(req.headers['x-amz-target'] ?? '').replace('TrentService.', '');
    const input = JSON.parse(body.toString('utf8') || '{}');
    calls.push({ operation, keyId: input.KeyId, accessKeyId: key.accessKeyId });
    if (operation === 'GenerateDataKey') {
      if (!keys.includes(input.KeyId)) return answer(400, { message: `Key '${input.KeyId}' does not exist` }, 'NotFoundException');
      const plaintext = randomBytes(input.NumberOfBytes ?? 32);
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', secret, iv).setAAD(aad(input.KeyId, input.EncryptionContext));
      const ct = Buffer.concat([c.update(plaintext), c.final()]);
      const id = Buffer.from(input.KeyId);
      const blob = Buffer.concat([Buffer.from([id.length >> 8, id.length & 255]), id, iv, c.getAuthTag(), ct]);
      return answer(200, { KeyId: input.KeyId, Plaintext: plaintext.toString('base64'), CiphertextBlob: blob.toString('base64') });
    }
    if (operation === 'Decrypt') {
      try {
        const blob = Buffer.from(input.CiphertextBlob, 'base64');
        const n = (blob[0]! << 8) | blob[1]!;
        const keyId = blob.subarray(2, 2 + n).toString();
        if (input.KeyId && input.KeyId !== keyId) return answer(400, { message: 'Incorrect key' }, 'IncorrectKeyException');
        const iv = blob.subarray(2 + n, 14 + n);
        const d = createDecipheriv('aes-256-gcm', secret, iv).setAAD(aad(keyId, input.EncryptionContext));
        d.setAuthTag(blob.subarray(14 + n, 30 + n));
        const plaintext = Buffer.concat([d.update(blob.subarray(30 + n)), d.final()]);
        return answer(200, { KeyId: keyId, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
      } catch {
        return answer(400, { message: 'The ciphertext is invalid' }, 'InvalidCiphertextException');
      }
    }
    return answer(400, { message: `unknown operation ${operation}` }, 'UnknownOperationException');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
