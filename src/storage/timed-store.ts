// A Store whose every call is timed into the metrics (cognate_store_duration_seconds{method="users.get"}): each
// aggregate's methods wrapped once, at start; a call costs a clock read and a histogram observation.
import { performance } from 'node:perf_hooks';
import type { Metrics } from '../runtime/metrics.ts';
import type { Store } from './store.ts';

const AGGREGATES = ['pools', 'clients', 'domains', 'keys', 'meta', 'users', 'codes', 'sessions', 'counters', 'outbox', 'groups', 'resourceServers', 'devices', 'roles', 'oidcProviders', 'samlProviders', 'identityPools', 'identities', 'datasets', 'syncConfig', 'syncDevices'] as const;

/** Every function of `target` (own and inherited, as a class's methods are), wrapped to time its promise. */
function timed<T extends object>(target: T, prefix: string, metrics: Metrics): T {
  const out = Object.create(target) as Record<string, unknown>;
  for (let o: object | null = target; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === 'constructor' || Object.hasOwn(out, name)) continue;
      if (typeof (target as Record<string, unknown>)[name] !== 'function') continue;
      const method = `${prefix}.${name}`;
      out[name] = function (...args: unknown[]) {
        const start = performance.now();
        // Looked up at each call, so a method replaced on the store later (tests do) is the one timed.
        const result = ((target as Record<string, unknown>)[name] as (...a: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise)
          return result.finally(() => metrics.storeCall(method, (performance.now() - start) / 1000));
        metrics.storeCall(method, (performance.now() - start) / 1000);
        return result;
      };
    }
  }
  return out as T;
}

export function timedStore(store: Store, metrics: Metrics): Store {
  // Own members copied (a spread of the result keeps them), the rest reached through the prototype.
  const out = Object.assign(Object.create(store) as Store, store);
  for (const a of AGGREGATES) (out as unknown as Record<string, object>)[a] = timed(store[a], a, metrics);
  return out;
}
