// The storage interface of installation-wide key/value settings (install id, master-key check).

export interface MetaStore {
  get(key: string): Promise<string | null>;
  /** Sets the value unless the key exists; returns the stored value either way. */
  setIfAbsent(key: string, value: string): Promise<string>;
}
