// Twitter logins (SupportedLoginProviders "api.twitter.com": "{consumer key};{consumer secret}"; the login
// "{access token};{access token secret}", as Cognito takes them): the tokens proven by a call to
// account/verify_credentials signed with OAuth 1.0a (HMAC-SHA1); sub = the user's id_str.
import { createHmac } from 'node:crypto';
import { getJson, invalidLogin, providerUrl, type LoginDeps, type VerifiedLogin } from './login.ts';

export const TWITTER = 'api.twitter.com';

/** RFC 3986 percent-encoding, as OAuth 1.0a (RFC 5849 §3.6) requires: encodeURIComponent leaves !'()* alone. */
const pct = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The OAuth 1.0a Authorization header for a GET of `url` (no query) with these keys. */
export function oauth1Header(url: string, keys: { consumerKey: string; consumerSecret: string; token: string; tokenSecret: string }, nonce: string, timestamp: number): string {
  const params: Record<string, string> = {
    oauth_consumer_key: keys.consumerKey,
    oauth_nonce: nonce,
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: String(timestamp),
    oauth_token: keys.token,
    oauth_version: '1.0',
  };
  const paramString = Object.keys(params)
    .sort()
    .map((k) => `${pct(k)}=${pct(params[k]!)}`)
    .join('&');
  const base = ['GET', pct(url), pct(paramString)].join('&');
  const signature = createHmac('sha1', `${pct(keys.consumerSecret)}&${pct(keys.tokenSecret)}`).update(base).digest('base64');
  const all: Record<string, string> = { ...params, oauth_signature: signature };
  return 'OAuth ' + Object.keys(all).map((k) => `${pct(k)}="${pct(all[k]!)}"`).join(', ');
}

const pair = (v: string): [string, string] | null => {
  const i = v.indexOf(';');
  return i > 0 && i < v.length - 1 ? [v.slice(0, i), v.slice(i + 1)] : null;
};

export async function twitterLogin(deps: LoginDeps, consumer: string, login: string): Promise<VerifiedLogin> {
  const app = pair(consumer);
  const user = pair(login);
  if (!user) throw invalidLogin('Twitter logins are "token;secret".'); // wording ours
  if (!app) throw invalidLogin('The identity pool has no Twitter consumer key and secret.'); // wording ours
  const url = `${providerUrl(deps, TWITTER, `https://${TWITTER}`)}/1.1/account/verify_credentials.json`;
  const auth = oauth1Header(url, { consumerKey: app[0], consumerSecret: app[1], token: user[0], tokenSecret: user[1] }, deps.random.string(32, 'abcdefghijklmnopqrstuvwxyz0123456789'), Math.floor(deps.clock.now() / 1000));
  const { status, json } = await getJson(url, { authorization: auth });
  if (status !== 200 || typeof json?.id_str !== 'string') throw invalidLogin('Invalid Twitter token.'); // wording ours
  return { provider: TWITTER, sub: json.id_str, claims: { sub: json.id_str } };
}
