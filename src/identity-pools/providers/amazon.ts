// Login with Amazon (SupportedLoginProviders "www.amazon.com": the app id, or the client id): the access token
// inspected at Amazon's tokeninfo endpoint, which names the user (sub = user_id), the client (aud) and the app.
import { getJson, invalidLogin, providerUrl, type LoginDeps, type VerifiedLogin } from './login.ts';

export const AMAZON = 'www.amazon.com';

export async function amazonLogin(deps: LoginDeps, appId: string, token: string): Promise<VerifiedLogin> {
  const base = providerUrl(deps, AMAZON, 'https://api.amazon.com');
  const { status, json } = await getJson(`${base}/auth/o2/tokeninfo?access_token=${encodeURIComponent(token)}`);
  if (status !== 200 || !json || typeof json.user_id !== 'string') throw invalidLogin('Invalid Amazon token.'); // wording ours
  // tokeninfo's exp is the seconds the token has left; Amazon answers an expired token with an error instead.
  if (typeof json.exp === 'number' && json.exp <= 0) throw invalidLogin('Invalid Amazon token.'); // wording ours
  if (json.aud !== appId && json.app_id !== appId) throw invalidLogin('Incorrect token audience.'); // wording ours
  return { provider: AMAZON, sub: json.user_id, claims: { sub: json.user_id, aud: json.aud, app_id: json.app_id } };
}
