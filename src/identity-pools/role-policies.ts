// The inline policies of a role as authorization decisions read them, parsed once and kept in this process: a decision
// costs no store read while the entry is fresh. A change made through this server (PutRolePolicy, DeleteRolePolicy,
// CreateRole, DeleteRole, UpdateAssumeRolePolicy) drops the role's entry at once; a change made by another server
// sharing the database (or another worker process) is read within ROLE_RECHECK_MS, as signing keys are (tokens/verify.ts).
import type { Deps } from '../deps.ts';
import { LruCache } from '../lib/lru.ts';
import type { RoleRecord } from '../storage/store.ts';
import { KEY_RECHECK_MS } from '../tokens/verify.ts';
import { parsePolicy, type PolicyDocument } from './policy.ts';

/** How long an entry answers without the store being asked again. */
export const ROLE_RECHECK_MS = KEY_RECHECK_MS;

/** A role (null: none of that name) and its inline policies as read at `checkedAt`, each document's text with its parse. */
export interface CachedRolePolicies {
  role: RoleRecord | null;
  /** Documents that do not parse (stored before a stricter check) grant nothing and are left out of `policies`. */
  documents: { text: string; parsed: PolicyDocument | null }[];
  policies: PolicyDocument[];
  checkedAt: number;
}

/** Entries by role name (case-insensitive, as IAM's), with the loads in flight, so concurrent misses share one read. */
export class RolePolicyCache {
  readonly #entries: LruCache<string, CachedRolePolicies>;
  readonly #loading = new Map<string, Promise<CachedRolePolicies>>();
  /** Bumped by every invalidation: a load that began before one is answered to its waiters but not kept. */
  #generation = 0;

  constructor(max = 1000) {
    this.#entries = new LruCache(max);
  }

  /** Drops the role's entry (and forgets a load in flight for it): the next decision reads the store. */
  invalidate(name: string): void {
    const key = name.toLowerCase();
    this.#generation++;
    this.#entries.delete(key);
    this.#loading.delete(key);
  }

  /** The role's entry, from memory while fresh, else read once from the store (documents unchanged keep their parse). */
  async get(deps: Pick<Deps, 'store' | 'clock'>, name: string): Promise<CachedRolePolicies> {
    const key = name.toLowerCase();
    const now = deps.clock.now();
    const cached = this.#entries.get(key);
    if (cached && Math.abs(now - cached.checkedAt) < ROLE_RECHECK_MS) return cached;
    const inFlight = this.#loading.get(key);
    if (inFlight) return inFlight;
    const generation = this.#generation;
    const promise = (async () => {
      const found = await deps.store.roles.getWithPolicies(name);
      const before = new Map((cached?.documents ?? []).map((d) => [d.text, d.parsed]));
      const documents = (found?.policies ?? []).map((p) => ({ text: p.document, parsed: before.has(p.document) ? before.get(p.document)! : parseOrNull(p.document) }));
      const entry: CachedRolePolicies = {
        role: found?.role ?? null,
        documents,
        policies: documents.flatMap((d) => (d.parsed ? [d.parsed] : [])),
        checkedAt: now,
      };
      if (this.#generation === generation) this.#entries.set(key, entry);
      return entry;
    })().finally(() => {
      if (this.#loading.get(key) === promise) this.#loading.delete(key);
    });
    this.#loading.set(key, promise);
    return promise;
  }
}

function parseOrNull(text: string): PolicyDocument | null {
  try {
    return parsePolicy(text);
  } catch {
    return null;
  }
}
