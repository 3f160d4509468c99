// Linking several logins to one identity (GetId with several logins), decided once for both backends: from the
// identities that already hold any of the logins, the one identity that holds them all afterwards.
import type { IdentityRecord, LinkOutcome, LoginKey } from './interfaces/identities.ts';

/** A login as stored: which identity of the pool it is linked to. */
export interface StoredLink extends LoginKey {
  identityId: string;
}

export type LinkPlan =
  | { kind: 'found'; identity: IdentityRecord }
  | { kind: 'create'; identity: IdentityRecord; add: LoginKey[] }
  | { kind: 'merge'; identity: IdentityRecord; add: LoginKey[]; absorbed: string[] }
  | { kind: 'refused'; outcome: LinkOutcome };

/**
 * The plan for linking `wanted` to one identity: `holders` are the identities of the pool holding any of them, `links`
 * every login of those identities. No holder: `fresh` with all of them. One or more: the oldest holder (createdAt,
 * then id) keeps its id and gains the others' logins and the new ones; the others are absorbed (deleted). Refused
 * when the identity would hold two users of one provider, or more than `maxLogins` logins.
 */
export function planLink(fresh: IdentityRecord, holders: IdentityRecord[], links: StoredLink[], wanted: LoginKey[], maxLogins: number, now: number): LinkPlan {
  const sorted = [...holders].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const target = sorted[0];
  const all = new Map<string, LoginKey>();
  for (const l of [...links, ...wanted]) {
    const had = all.get(l.provider);
    if (had && had.userId !== l.userId) return { kind: 'refused', outcome: { refused: 'conflict', provider: l.provider } };
    all.set(l.provider, { provider: l.provider, userId: l.userId });
  }
  // The providers in the order the identities listed them (oldest first), then the new ones in the request's order.
  const order = [...new Set([...sorted.flatMap((i) => i.logins), ...wanted.map((l) => l.provider)])].filter((p) => all.has(p));
  if (all.size > maxLogins) return { kind: 'refused', outcome: { refused: 'limit' } };
  const known = new Set(links.map((l) => `${l.provider}\u0000${l.userId}`));
  const add = wanted.filter((l) => !known.has(`${l.provider}\u0000${l.userId}`));
  if (!target) return { kind: 'create', identity: { ...fresh, logins: order }, add };
  const absorbed = sorted.slice(1).map((i) => i.id);
  if (add.length === 0 && absorbed.length === 0) return { kind: 'found', identity: target };
  return { kind: 'merge', identity: { ...target, logins: order, modifiedAt: now }, add, absorbed };
}
