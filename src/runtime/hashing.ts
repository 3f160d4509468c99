// Password hashing: argon2id, with at most one computation per core at a time (the semaphore lives in the service).
import { Algorithm, hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import { availableParallelism } from 'node:os';

/** argon2id as OWASP recommends (19 MiB, t=2, p=1); @node-rs/argon2 runs it off the event loop. */
export const ARGON2_PARAMETERS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** The cost of an argon2id hash: memory in KiB, passes, lanes. */
export type Argon2Parameters = { memoryCost: number; timeCost: number; parallelism: number };

export interface PasswordHasher {
  /** An argon2id PHC string for `password`. */
  hash(password: string): Promise<string>;
  /** Whether `password` matches `hash`; false for a malformed hash. */
  verify(hash: string, password: string): Promise<boolean>;
  /** Spends the time of a real verify, for unknown users (no timing difference reveals whether a user exists). */
  dummyVerify(password: string): Promise<void>;
  /** Computations running and waiting for a slot (for the metrics). */
  load?(): { running: number; waiting: number };
}

/**
 * At most `slots` argon2id computations at a time (one per core by default): more only makes them share the
 * cores (each is 19 MiB of memory-bound work), which lengthens every one of them and leaves none for the event
 * loop's own work.
 */
export function argon2Hasher(slots = Math.max(1, availableParallelism()), parameters: Argon2Parameters = ARGON2_PARAMETERS): PasswordHasher {
  const options = { algorithm: Algorithm.Argon2id, ...parameters } as const;
  let busy = 0;
  const queue: (() => void)[] = [];
  async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
    if (busy >= slots) await new Promise<void>((resolve) => queue.push(resolve));
    else busy++;
    try {
      return await fn();
    } finally {
      const next = queue.shift();
      if (next) next();
      else busy--;
    }
  }
  let dummyHash: Promise<string> | undefined;
  const hasher: PasswordHasher = {
    hash: (password) => withSlot(() => argonHash(password, options)),
    async verify(hash, password) {
      try {
        return await withSlot(() => argonVerify(hash, password));
      } catch {
        return false;
      }
    },
    async dummyVerify(password) {
      dummyHash ??= hasher.hash('cognate-dummy-password-for-timing');
      await hasher.verify(await dummyHash, password);
    },
    load: () => ({ running: busy, waiting: queue.length }),
  };
  return hasher;
}
