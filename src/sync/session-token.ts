// SyncSessionToken: what ListRecords hands out and UpdateRecords requires. Stateless, sealed by the master key (so any
// server sharing it accepts it) and bound to the identity pool, identity and dataset it was issued for, for a limited
// time. Cognito's answer to a token that does not fit is InvalidParameterException "SyncSessionToken not valid for
// these inputs" (observed); Cognate gives it for forged, foreign and expired tokens alike.
import type { Deps } from '../deps.ts';
import { InvalidParameterException } from './errors.ts';

/** How long a token is good for (AWS does not publish its own; a sync is a ListRecords then an UpdateRecords). */
export const SYNC_SESSION_SECONDS = 3600;

const PURPOSE = 'cognito-sync session';

export interface SyncTarget {
  poolId: string;
  identityId: string;
  dataset: string;
}

export function issueSyncSessionToken(deps: Pick<Deps, 'secrets' | 'clock'>, t: SyncTarget): string {
  return deps.secrets.encrypt(JSON.stringify({ p: PURPOSE, pool: t.poolId, id: t.identityId, ds: t.dataset, exp: deps.clock.now() + SYNC_SESSION_SECONDS * 1000 }));
}

/** Throws InvalidParameterException unless `token` was issued for `t` and has not expired. */
export function checkSyncSessionToken(deps: Pick<Deps, 'secrets' | 'clock'>, token: string, t: SyncTarget): void {
  let claims: { p?: unknown; pool?: unknown; id?: unknown; ds?: unknown; exp?: unknown };
  try {
    claims = JSON.parse(deps.secrets.decryptString(token));
  } catch {
    claims = {};
  }
  const ok =
    claims.p === PURPOSE &&
    claims.pool === t.poolId &&
    claims.id === t.identityId &&
    claims.ds === t.dataset &&
    typeof claims.exp === 'number' &&
    deps.clock.now() < claims.exp;
  if (!ok) throw new InvalidParameterException('SyncSessionToken not valid for these inputs');
}
