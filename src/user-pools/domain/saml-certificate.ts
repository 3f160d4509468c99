// The pool's SAML signing certificate (GetSigningCertificate): a self-signed RSA 2048 X.509 certificate, stored as a 'saml' key.
import { webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import type { SigningKeyRecord } from '../../storage/records.ts';
import type { Random } from '../../runtime/random.ts';
import type { SecretBox } from '../../runtime/secrets.ts';

/** "Issued certificates are valid for 10 years from the date of issue" (GetSigningCertificate API reference). */
export const CERTIFICATE_VALIDITY_YEARS = 10;

const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };

type SelfSignedParams = Parameters<typeof X509.X509CertificateGenerator.createSelfSigned>[0];

const pem = (label: string, der: ArrayBuffer) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;

/**
 * A new SAML signing key and its certificate. The subject names the pool (`CN=<poolId>`; what Cognito puts
 * there was not found). The serial number comes from `random`, the validity from `now`.
 */
export async function newSamlSigningKey(d: { random: Random; secrets: SecretBox; now: number }, poolId: string): Promise<SigningKeyRecord> {
  // Loaded on first use: most pools never ask, and the library installs a global Reflect polyfill.
  const x509 = await import('@peculiar/x509');
  const crypto = webcrypto;
  const keys = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const notBefore = new Date(Math.floor(d.now / 1000) * 1000);
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CERTIFICATE_VALIDITY_YEARS);
  const serial = d.random.bytes(16);
  serial[0] = serial[0]! & 0x7f; // a positive INTEGER
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial.toString('hex'),
      name: `CN=${poolId}`,
      notBefore,
      notAfter,
      signingAlgorithm: ALG,
      keys: keys as SelfSignedParams['keys'],
      extensions: [new x509.BasicConstraintsExtension(false, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
    },
    crypto as unknown as Parameters<typeof X509.X509CertificateGenerator.createSelfSigned>[1],
  );
  const jwk = (await crypto.subtle.exportKey('jwk', keys.publicKey)) as { kty?: string; n?: string; e?: string };
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    kid: d.random.bytes(32).toString('base64'),
    poolId,
    use: 'saml',
    alg: 'RS256',
    publicJwk: { kty: jwk.kty, n: jwk.n, e: jwk.e },
    privateSealed: d.secrets.encrypt(pem('PRIVATE KEY', pkcs8)),
    certificate: cert.toString('pem'),
    createdAt: d.now,
    retiresAt: null,
  };
}

/**
 * The certificate every server answers with: the oldest live 'saml' key (oldest, so that servers racing to
 * make the first one all settle on the same), or undefined when the pool has none yet.
 */
export function currentSamlKey(keys: readonly SigningKeyRecord[]): SigningKeyRecord | undefined {
  return keys
    .filter((k) => k.use === 'saml' && k.certificate && k.retiresAt === null)
    .sort((a, b) => a.createdAt - b.createdAt || (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0))[0];
}

/** GetSigningCertificate's value: the base64 DER body, without PEM armour or line breaks. */
export function certificateBody(pemText: string): string {
  return pemText.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}
