// The storage interface of messages sent (or only recorded) to users, newest first.
import type { OutboxMessage } from '../records.ts';

export interface OutboxStore {
  add(message: OutboxMessage): Promise<void>;
  /** Messages to `to` (all when undefined), newest first; those sent in the same millisecond, last added first. */
  list(to: string | undefined, limit: number): Promise<OutboxMessage[]>;
}
