// The SECRET_HASH check every public call of a client with a secret makes (sign-up, recovery, sign-in; §3.7).
import type { Deps } from '../../deps.ts';
import type { ClientRecord, UserRecord } from '../../storage/records.ts';
import { NotAuthorizedException } from '../errors.ts';
import { clientSecrets, verifySecretHash } from './clients.ts';

/** Reported wording. */
export const secretMissing = (clientId: string) => `Client ${clientId} is configured for secret but secret was not received`;
/** Observed wording. */
export const secretWrong = (clientId: string) => `Unable to verify secret hash for client ${clientId}`;

/**
 * Missing SECRET_HASH on a client with a secret → NotAuthorizedException, checked before anything else is looked up.
 * Returns the client's active secrets (none for a client without a secret, which ignores a hash it is sent).
 */
export function requireSecretHashPresent(deps: Pick<Deps, 'secrets'>, client: ClientRecord, hash: string | undefined): string[] {
  if (!client.secrets.length) return [];
  if (!hash) throw new NotAuthorizedException(secretMissing(client.id));
  return clientSecrets(deps, client);
}

/** Throws unless the client has no secret or `hash` is the SECRET_HASH of one of `names` (+ client id) under an active secret. */
export function checkSecretHash(deps: Pick<Deps, 'secrets'>, client: ClientRecord, hash: string | undefined, names: readonly string[]): void {
  const secrets = requireSecretHashPresent(deps, client, hash);
  if (!secrets.length) return;
  if (!names.some((n) => verifySecretHash(secrets, n, client.id, hash!))) throw new NotAuthorizedException(secretWrong(client.id));
}

/**
 * The names a client may have hashed: the name it sent, and for a known user the internal username, the sub and
 * the alias values. Clients differ (USER_ID_FOR_SRP after SRP, the internal username for refresh), Cognito is lenient.
 */
export function secretHashNames(given: string | undefined, user: UserRecord | null): string[] {
  const names = new Set<string>();
  if (given) names.add(given);
  if (user) {
    names.add(user.username);
    names.add(user.sub);
    for (const a of ['email', 'phone_number', 'preferred_username']) if (user.attributes[a]) names.add(user.attributes[a]!);
  }
  return [...names];
}
