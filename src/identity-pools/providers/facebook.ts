// Facebook logins (SupportedLoginProviders "graph.facebook.com": the Facebook app id): the user access token
// inspected through the Graph API — `/me` names the user (sub = the app-scoped user id), `/app` the app the token
// was issued to, which must be the pool's.
import { getJson, invalidLogin, providerUrl, type LoginDeps, type VerifiedLogin } from './login.ts';

export const FACEBOOK = 'graph.facebook.com';

export async function facebookLogin(deps: LoginDeps, appId: string, token: string): Promise<VerifiedLogin> {
  const base = providerUrl(deps, FACEBOOK, `https://${FACEBOOK}`);
  const q = `access_token=${encodeURIComponent(token)}`;
  const me = await getJson(`${base}/me?fields=id&${q}`);
  if (me.status !== 200 || typeof me.json?.id !== 'string') throw invalidLogin('Invalid Facebook token.'); // wording ours
  const app = await getJson(`${base}/app?${q}`);
  if (app.status !== 200 || typeof app.json?.id !== 'string') throw invalidLogin('Invalid Facebook token.'); // wording ours
  if (app.json.id !== appId) throw invalidLogin('Incorrect token audience.'); // wording ours
  return { provider: FACEBOOK, sub: me.json.id, claims: { sub: me.json.id, aud: app.json.id } };
}
