// Per-deployment secret keys kept sealed in the store's meta table (the code pepper, the SRP simulation key):
// made on first use with setIfAbsent, so every server sharing the database derives the same values.
import type { SecretBox } from './secrets.ts';
import type { Random } from './random.ts';
import type { Store } from '../storage/store.ts';

/** The meta names of the keys Cognate keeps. */
export type StoredKeyName = 'code_pepper' | 'srp_simulation_key' | 'migration_key' | 'sts_credentials_key';

export interface StoredKeys {
  /** The 32-byte key `name`, read (or created) once and then cached for this store. */
  get(name: StoredKeyName): Promise<Buffer>;
}

export function storedKeys(deps: { store: Store; secrets: SecretBox; random: Random }): StoredKeys {
  const cache = new Map<StoredKeyName, Promise<Buffer>>();
  return {
    get(name) {
      let k = cache.get(name);
      if (!k) {
        k = (async () => {
          const sealed = await deps.store.meta.setIfAbsent(name, deps.secrets.encrypt(deps.random.bytes(32)));
          return deps.secrets.decrypt(sealed);
        })();
        // A failed read is retried on the next call rather than cached.
        k.catch(() => cache.delete(name));
        cache.set(name, k);
      }
      return k;
    },
  };
}
