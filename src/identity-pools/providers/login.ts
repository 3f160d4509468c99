// What every login provider module of identity pools shares: the verified login, Cognito's "Invalid login token."
// refusals, where a provider is reached (its public URL, or the --identity-providers override), and a bounded GET.
import type { Deps } from '../../deps.ts';
import { ExternalServiceException, NotAuthorizedException } from '../errors.ts';

export type LoginDeps = Pick<Deps, 'store' | 'clock' | 'caches' | 'config' | 'random'>;

/** One verified login: the provider user id (Cognito's "sub" of the provider) and the token's claims, if it had any. */
export interface VerifiedLogin {
  provider: string;
  sub: string;
  claims: Record<string, unknown>;
  /** For an identity-pool token (developer.ts): the identity it proves, and its amr after "authenticated". */
  identityId?: string;
  amr?: string[];
  /** For a SAML login (saml.ts): the roles its assertion's Role attribute offers with this provider. */
  roles?: string[];
}

/** Cognito's refusal of a login token: NotAuthorizedException "Invalid login token. {why}". */
export const invalidLogin = (why: string) => new NotAuthorizedException(`Invalid login token. ${why}`);

/** Cognito's words for an expired token (observed): "Token expired: {exp} >= {now}", both in epoch seconds. */
export const expiredLogin = (exp: number, nowMs: number) => invalidLogin(`Token expired: ${exp} >= ${Math.floor(nowMs / 1000)}`);

/** Where provider `name` is reached: the configured override (a local or private deployment), else `fallback`. */
export function providerUrl(deps: Pick<Deps, 'config'>, name: string, fallback: string): string {
  return deps.config.identityProviders?.[name] ?? fallback;
}

const MAX_ANSWER = 256 * 1024;
const TIMEOUT_MS = 10_000;

/**
 * GETs `url` and parses its JSON answer (any status; `json` is null when the body is not JSON). A provider that
 * cannot be reached, answers a server error, redirects or answers too much: ExternalServiceException, as Cognito
 * answers when Facebook or Twitter does not respond.
 */
export async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> | null }> {
  const host = new URL(url).host;
  const stop = new AbortController();
  let res: Response;
  let text: string | null;
  try {
    res = await fetch(url, { headers: { accept: 'application/json', ...headers }, redirect: 'manual', signal: AbortSignal.any([AbortSignal.timeout(TIMEOUT_MS), stop.signal]) });
    text = res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400) ? null : await bounded(res, stop);
  } catch {
    throw new ExternalServiceException(`${host} did not respond.`); // wording ours
  }
  if (text === null || res.status >= 500) throw new ExternalServiceException(`${host} answered ${res.status}.`); // wording ours
  try {
    const json = JSON.parse(text);
    return { status: res.status, json: json && typeof json === 'object' && !Array.isArray(json) ? json : null };
  } catch {
    return { status: res.status, json: null };
  }
}

/** The answer's text, or null (the request aborted) once it is over MAX_ANSWER bytes, declared or received. */
async function bounded(res: Response, stop: AbortController): Promise<string | null> {
  let size = 0;
  const parts: Uint8Array[] = [];
  if (Number(res.headers.get('content-length')) <= MAX_ANSWER) {
    for await (const part of res.body ?? []) {
      size += part.byteLength;
      if (size > MAX_ANSWER) break;
      parts.push(part);
    }
  }
  if (size > MAX_ANSWER || Number(res.headers.get('content-length')) > MAX_ANSWER) {
    stop.abort();
    return null;
  }
  return Buffer.concat(parts).toString('utf8');
}
