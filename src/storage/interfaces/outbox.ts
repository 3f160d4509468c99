// The storage interface of the outbox: messages kept (sealed) until the code they carry expires, newest first.
import type { OutboxRecord } from '../records.ts';

export interface OutboxStore {
  add(message: OutboxRecord): Promise<void>;
  /**
   * Messages to `to` (all when undefined) that have not expired at `now` (expiresAt > now), newest first; those sent
   * in the same millisecond, last added first.
   */
  list(to: string | undefined, limit: number, now: number): Promise<OutboxRecord[]>;
  /** Deletes the messages expired at `now` (expiresAt <= now); returns how many. */
  purgeExpired(now: number): Promise<number>;
}
