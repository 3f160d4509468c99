// Client authentication at the token and revocation endpoints: client_secret_basic, client_secret_post, or a public
// client naming itself by client_id (RFC 6749 §2.3.1). Secrets compare in constant time.
import type { Deps } from '../deps.ts';
import type { ClientRecord } from '../storage/records.ts';
import { clientSecretMatches, clientSecrets } from '../user-pools/domain/clients.ts';
import { OAuthError } from './errors.ts';

export interface ClientCredentials {
  clientId: string;
  /** undefined for a public client that sent only its id. */
  secret: string | undefined;
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

/** RFC 6749 §2.3.1: the id and secret are form-urlencoded before they are joined and base64-encoded. */
const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));

/** The credentials a request presents; invalid_request when it presents none, two kinds, or a malformed header. */
export function credentialsOf(authorization: string | undefined, form: URLSearchParams): ClientCredentials {
  const postId = form.get('client_id') ?? undefined;
  const postSecret = form.get('client_secret') ?? undefined;
  if (authorization !== undefined && /^basic /i.test(authorization)) {
    if (postSecret !== undefined) throw new OAuthError('invalid_request');
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', { status: 401, wwwAuthenticate: 'Basic' });
    let clientId: string;
    let secret: string;
    try {
      clientId = formDecode(decoded.slice(0, colon));
      secret = formDecode(decoded.slice(colon + 1));
    } catch {
      throw new OAuthError('invalid_client', { status: 401, wwwAuthenticate: 'Basic' });
    }
    if (postId !== undefined && postId !== clientId) throw new OAuthError('invalid_request');
    return { clientId, secret, method: 'client_secret_basic' };
  }
  if (postId === undefined) throw new OAuthError('invalid_request');
  return { clientId: postId, secret: postSecret, method: postSecret === undefined ? 'none' : 'client_secret_post' };
}

/**
 * The pool's client the credentials name, when they prove it: a confidential client must present one of its secrets,
 * a public one none. Anything else is invalid_client (401; with WWW-Authenticate when the header was used), the same
 * answer for an unknown client as for a wrong secret.
 */
export async function authenticateClient(deps: Pick<Deps, 'store' | 'secrets'>, poolId: string, c: ClientCredentials): Promise<ClientRecord> {
  const refuse = () => new OAuthError('invalid_client', { status: 401, ...(c.method === 'client_secret_basic' ? { wwwAuthenticate: 'Basic' } : {}) });
  const client = await deps.store.clients.get(c.clientId);
  if (!client || client.poolId !== poolId) {
    // As much work as a known client's check, so the answer's timing does not tell which ids exist.
    clientSecretMatches(['-'], c.secret ?? '');
    throw refuse();
  }
  const secrets = clientSecrets(deps, client);
  if (secrets.length === 0) {
    if (c.secret !== undefined) throw refuse();
    return client;
  }
  if (c.secret === undefined || !clientSecretMatches(secrets, c.secret)) throw refuse();
  return client;
}
