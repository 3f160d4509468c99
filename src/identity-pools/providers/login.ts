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
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { headers: { accept: 'application/json', ...headers }, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    text = await res.text();
  } catch {
    throw new ExternalServiceException(`${host} did not respond.`); // wording ours
  }
  if (res.status >= 500 || (res.status >= 300 && res.status < 400) || text.length > MAX_ANSWER) {
    throw new ExternalServiceException(`${host} answered ${res.status}.`); // wording ours
  }
  try {
    const json = JSON.parse(text);
    return { status: res.status, json: json && typeof json === 'object' && !Array.isArray(json) ? json : null };
  } catch {
    return { status: res.status, json: null };
  }
}
