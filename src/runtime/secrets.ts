// Encryption of secrets at rest (AES-256-GCM) under a master key; each ciphertext names its key id for rotation.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivateDir, writePrivateFile } from '../lib/private-files.ts';

export interface SecretBox {
  /** Id of the key new ciphertexts are made with. */
  readonly keyId: string;
  encrypt(plaintext: string | Buffer): string;
  decrypt(sealed: string): Buffer;
  decryptString(sealed: string): string;
}

export class MasterKeyError extends Error {}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('cognate-master-key-id\0').update(key).digest('hex').slice(0, 16);
}

/** Parses a master key given as base64 or hex of 32 bytes. */
export function parseMasterKey(text: string): Buffer {
  const t = text.trim();
  const buf = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (buf.length !== 32) throw new MasterKeyError('COGNATE_MASTER_KEY must be 32 bytes, base64 or hex encoded (e.g. `openssl rand -base64 32`)');
  return buf;
}

/** A box over the current key and any previous keys (still readable, never used to write). */
export function secretBox(current: Buffer, previous: Buffer[] = []): SecretBox {
  const keys = new Map<string, Buffer>();
  for (const k of [current, ...previous]) keys.set(keyIdOf(k), k);
  const keyId = keyIdOf(current);
  const box: SecretBox = {
    keyId,
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', current, iv);
      c.setAAD(Buffer.from(keyId));
      const ct = Buffer.concat([c.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), c.final()]);
      return ['v1', keyId, iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
    },
    decrypt(sealed) {
      const [v, kid, iv, tag, ct] = sealed.split('.');
      if (v !== 'v1' || !kid || iv === undefined || tag === undefined || ct === undefined) throw new MasterKeyError('not a sealed secret');
      const key = keys.get(kid);
      if (!key) throw new MasterKeyError(`secret sealed with master key ${kid}, which this server does not have`);
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      d.setAAD(Buffer.from(kid));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]);
    },
    decryptString(sealed) {
      return box.decrypt(sealed).toString('utf8');
    },
  };
  return box;
}

/** The master key from config, else from (or newly generated into) dataDir/master.key. */
export function loadMasterKey(configured: string | undefined, dataDir: string): { key: Buffer; generated: boolean } {
  if (configured) return { key: parseMasterKey(configured), generated: false };
  makePrivateDir(dataDir);
  const path = join(dataDir, 'master.key');
  if (existsSync(path)) return { key: parseMasterKey(readFileSync(path, 'utf8')), generated: false };
  const key = randomBytes(32);
  writePrivateFile(path, key.toString('base64') + '\n');
  return { key, generated: true };
}
