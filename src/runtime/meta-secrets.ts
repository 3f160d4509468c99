// Deployment-wide secrets kept sealed in the store's meta table, so every process derives the same values from them.
import type { Random } from './random.ts';
import type { SecretBox } from './secrets.ts';

interface MetaLike {
  setIfAbsent(key: string, value: string): Promise<string>;
}

/** Named 32-byte keys, made on first use by whichever process gets there first, then cached (a key never changes). */
export class MetaSecrets {
  private cache = new Map<string, Promise<Buffer>>();
  constructor(
    private meta: MetaLike,
    private box: SecretBox,
    private random: Random,
  ) {}

  get(name: string): Promise<Buffer> {
    let k = this.cache.get(name);
    if (!k) {
      k = this.meta.setIfAbsent(name, this.box.encrypt(this.random.bytes(32))).then((sealed) => this.box.decrypt(sealed));
      this.cache.set(name, k);
      k.catch(() => this.cache.delete(name));
    }
    return k;
  }
}
