// The storage interface of installation-wide key/value settings (install id, master-key check, the identity pools' OpenID keys).

export interface MetaStore {
  get(key: string): Promise<string | null>;
  /** Sets the value unless the key exists; returns the stored value either way. */
  setIfAbsent(key: string, value: string): Promise<string>;
  /**
   * Compare-and-set: replaces the value only while it is still `expected` (the caller read it, derived the new one,
   * and must not overwrite what another process wrote since). Whether it replaced it.
   */
  replace(key: string, expected: string, value: string): Promise<boolean>;
}
