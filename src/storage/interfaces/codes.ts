// The storage interface of one-time codes (confirmation, reset, MFA) with their attempt counts.
import type { CodeRecord } from '../records.ts';

export interface CodeStore {
  /** Stores the code, replacing the user's live code of the same purpose. */
  put(code: CodeRecord): Promise<void>;
  get(poolId: string, username: string, purpose: string): Promise<CodeRecord | null>;
  /** Adds one to attempts and returns the new count (atomic across processes). */
  addAttempt(poolId: string, username: string, purpose: string): Promise<number>;
  delete(poolId: string, username: string, purpose: string): Promise<boolean>;
  /**
   * Housekeeping: drops the codes whose purpose starts with `purposePrefix` and that expired by `now` (only those:
   * an expired confirmation code must stay, to be told apart from a wrong one). Returns the rows removed.
   */
  purgeExpired(now: number, purposePrefix: string): Promise<number>;
}
