// Identity-pool logins from outside providers, through the real SDK: an OpenID Connect provider ARN, Google, Sign in
// with Apple, Facebook, Login with Amazon and Twitter, each played by a local HTTP server that is that provider (its
// discovery document and keys, or its token-inspection API), reached through --identity-providers; their refusals;
// and several logins in one request linked to one identity (merged where they held two, refused where they cannot).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import {
  CognitoIdentityClient, CreateIdentityPoolCommand, DescribeIdentityCommand, GetCredentialsForIdentityCommand, GetIdCommand,
  GetOpenIdTokenCommand, SetIdentityPoolRolesCommand,
} from '@aws-sdk/client-cognito-identity';
import {
  IAMClient, CreateRoleCommand, CreateOpenIDConnectProviderCommand, GetOpenIDConnectProviderCommand, ListOpenIDConnectProvidersCommand,
  DeleteOpenIDConnectProviderCommand,
} from '@aws-sdk/client-iam';
import { exportJWK, generateKeyPair, SignJWT, decodeJwt, type CryptoKey } from 'jose';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { FixedClock } from '../../src/runtime/clock.ts';

const NOW = Math.floor(Date.now() / 1000) * 1000;
const NS = 'cognito-identity.amazonaws.com';
const OIDC = 'login.example.com';
const GOOGLE = 'accounts.google.com';
const APPLE = 'appleid.apple.com';
const FACEBOOK = 'graph.facebook.com';
const AMAZON = 'www.amazon.com';
const TWITTER = 'api.twitter.com';
/** OIDC provider names beyond the limit of linked logins, all reached at the one local issuer. */
const MANY = Array.from({ length: 21 }, (_, i) => `many${i}.example.com`);

let provider: Server;
let base: string;
let s: TestServer;
const clock = new FixedClock(NOW);
let admin: CognitoIdentityClient;
let unsigned: CognitoIdentityClient;
let poolId: string;
const keys: Record<string, { privateKey: CryptoKey; publicKey: CryptoKey; kid: string }> = {};
let stranger: CryptoKey;

// --- the providers: one loopback server, a path prefix each ----------------------------------------------------------

/** Facebook user tokens: token → [user id, app id]. */
const facebookTokens: Record<string, [string, string]> = { 'fb-alice': ['fb-1', 'fb-app'], 'fb-bob': ['fb-2', 'fb-app'], 'fb-elsewhere': ['fb-3', 'other-app'], 'fb-carol': ['fb-4', 'fb-app'] };
/** Login with Amazon tokens: token → tokeninfo. */
const amazonTokens: Record<string, Record<string, unknown>> = {
  'amz-alice': { iss: 'https://www.amazon.com', user_id: 'amzn1.account.A', aud: 'amzn1.application-oa2-client.c1', app_id: 'amzn1.application.app1', exp: 3000 },
  'amz-other': { iss: 'https://www.amazon.com', user_id: 'amzn1.account.B', aud: 'amzn1.application-oa2-client.zz', app_id: 'amzn1.application.zz', exp: 3000 },
};
/** Twitter: the app's consumer key/secret and users' token → [secret, id_str]. */
const CONSUMER = ['ck', 'cs.x/y'];
const twitterUsers: Record<string, [string, string]> = { 'tw-alice': ['tw-secret', '1234567890'] };
const twitterNonces = new Set<string>();

/** The OAuth 1.0a HMAC-SHA1 check a Twitter API answer depends on (RFC 5849 §3.4), written from the RFC here. */
function twitterUser(url: string, authorization: string | undefined): string | null {
  if (!authorization?.startsWith('OAuth ')) return null;
  const p: Record<string, string> = {};
  for (const m of authorization.slice(6).matchAll(/([\w%]+)="([^"]*)"/g)) p[decodeURIComponent(m[1]!)] = decodeURIComponent(m[2]!);
  const user = twitterUsers[p.oauth_token ?? ''];
  if (!user || p.oauth_consumer_key !== CONSUMER[0] || p.oauth_signature_method !== 'HMAC-SHA1' || twitterNonces.has(p.oauth_nonce ?? '')) return null;
  const enc = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const signed = Object.entries(p).filter(([k]) => k !== 'oauth_signature').map(([k, v]) => [enc(k), enc(v)]).sort(([a], [b]) => (a! < b! ? -1 : 1));
  const text = `GET&${enc(url)}&${enc(signed.map(([k, v]) => `${k}=${v}`).join('&'))}`;
  if (createHmac('sha1', `${enc(CONSUMER[1]!)}&${enc(user[0])}`).update(text).digest('base64') !== p.oauth_signature) return null;
  twitterNonces.add(p.oauth_nonce!);
  return user[1];
}

function startProviders(): Promise<void> {
  provider = createServer(async (req, res) => {
    const url = new URL(req.url!, base);
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const [, who, ...rest] = url.pathname.split('/');
    const path = '/' + rest.join('/');
    if (['oidc', 'google', 'apple', 'registered'].includes(who!)) {
      if (path === '/.well-known/openid-configuration') return send(200, { issuer: `${base}/${who}`, jwks_uri: `${base}/${who}/keys` });
      if (path === '/keys') {
        const k = keys[who!]!;
        return send(200, { keys: [{ ...(await exportJWK(k.publicKey)), kid: k.kid, alg: 'RS256', use: 'sig' }] });
      }
    }
    const token = url.searchParams.get('access_token') ?? '';
    if (who === 'facebook') {
      const t = facebookTokens[token];
      if (!t) return send(400, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
      if (path === '/me' && url.searchParams.get('fields') === 'id') return send(200, { id: t[0] });
      if (path === '/app') return send(200, { id: t[1], name: 'app' });
    }
    if (who === 'amazon' && path === '/auth/o2/tokeninfo') {
      const t = amazonTokens[token];
      return t ? send(200, t) : send(400, { error: 'invalid_token', error_description: 'The request has an invalid parameter : access_token' });
    }
    if (who === 'twitter' && path === '/1.1/account/verify_credentials.json') {
      const id = twitterUser(`${base}${url.pathname}`, req.headers.authorization);
      return id ? send(200, { id: Number(id), id_str: id, screen_name: 'alice' }) : send(401, { errors: [{ code: 32, message: 'Could not authenticate you.' }] });
    }
    if (who === 'down') return send(503, {});
    if (who === 'huge') return send(200, { issuer: `${base}/huge`, jwks_uri: `${base}/oidc/keys`, padding: 'x'.repeat(300 * 1024) });
    if (who === 'moved') return res.writeHead(302, { location: `${base}/oidc${path}` }).end();
    send(404, {});
  });
  return new Promise((resolve) => provider.listen(0, '127.0.0.1', () => {
    const a = provider.address();
    base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    resolve();
  }));
}

/** An ID token of the local issuer `who`, signed with its key unless `o.key` says otherwise. */
async function idToken(who: 'oidc' | 'google' | 'apple' | 'registered', claims: Record<string, unknown>, o: { key?: CryptoKey; iss?: string; expSeconds?: number } = {}): Promise<string> {
  const k = keys[who]!;
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: k.kid })
    .setIssuer(o.iss ?? `${base}/${who}`)
    .setIssuedAt(Math.floor(NOW / 1000) - 60)
    .setExpirationTime(Math.floor(NOW / 1000) + (o.expSeconds ?? 3600))
    .sign(o.key ?? k.privateKey);
}

before(async () => {
  for (const who of ['oidc', 'google', 'apple']) keys[who] = { ...(await generateKeyPair('RS256')), kid: `${who}-key-1` };
  keys.registered = { ...(await generateKeyPair('RS256')), kid: 'registered-key-1' };
  stranger = (await generateKeyPair('RS256')).privateKey;
  await startProviders();
  // On PostgreSQL too when COGNATE_TEST_DATABASE_URL is set (linking and merging are transactions of the store).
  s = await startServerOnStoreUnderTest(clock, 'identity_providers', 2, {
    identityProviders: {
      [OIDC]: `${base}/oidc`, [GOOGLE]: `${base}/google`, [APPLE]: `${base}/apple`, [FACEBOOK]: `${base}/facebook`,
      [AMAZON]: `${base}/amazon`, [TWITTER]: `${base}/twitter`, 'down.example.com': `${base}/down`,
      'huge.example.com': `${base}/huge`, 'moved.example.com': `${base}/moved`,
      ...Object.fromEntries(MANY.map((m) => [m, `${base}/oidc`])),
    },
  });
  const region = s.deps.config.region;
  admin = new CognitoIdentityClient({ region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
  unsigned = new CognitoIdentityClient({ region, endpoint: s.url, maxAttempts: 1, credentials: () => Promise.reject(new Error('must not need credentials')) });
  const oidcArn = (name: string) => `arn:aws:iam::${s.deps.config.accountId}:oidc-provider/${name}`;
  poolId = (await admin.send(new CreateIdentityPoolCommand({
    IdentityPoolName: 'outside', AllowUnauthenticatedIdentities: false,
    SupportedLoginProviders: { [GOOGLE]: 'google-client-1', [APPLE]: 'com.example.app', [FACEBOOK]: 'fb-app', [AMAZON]: 'amzn1.application.app1', [TWITTER]: CONSUMER.join(';') },
    OpenIdConnectProviderARNs: [oidcArn(OIDC), ...['down', 'huge', 'moved'].map((h) => oidcArn(`${h}.example.com`)), ...MANY.map(oidcArn)],
  }))).IdentityPoolId!;
  const iam = new IAMClient({ region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: NS }, Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${NS}:aud`]: poolId }, 'ForAnyValue:StringLike': { [`${NS}:amr`]: 'authenticated' } } }] });
  const role = (await iam.send(new CreateRoleCommand({ RoleName: 'Outside_Auth', AssumeRolePolicyDocument: trust }))).Role!.Arn!;
  iam.destroy();
  await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: role } }));
});
after(async () => {
  admin?.destroy();
  unsigned?.destroy();
  await s?.close();
  await new Promise((r) => provider?.close(r));
});
testOnPostgres(() => s);

const getId = (Logins: Record<string, string>) => unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins }));
const loginsOf = async (id: string) => (await admin.send(new DescribeIdentityCommand({ IdentityId: id }))).Logins;

/** GetId then GetCredentialsForIdentity and GetOpenIdToken with the same logins; the identity id. */
async function signIn(Logins: Record<string, string>): Promise<string> {
  const id = (await getId(Logins)).IdentityId!;
  const creds = await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: id, Logins }));
  assert.equal(creds.IdentityId, id);
  assert.match(creds.Credentials!.AccessKeyId!, /^ASIA/);
  const token = (await unsigned.send(new GetOpenIdTokenCommand({ IdentityId: id, Logins }))).Token!;
  const amr = decodeJwt(token).amr as string[];
  for (const p of Object.keys(Logins)) assert.ok(amr.includes(p), `amr names ${p}`);
  return id;
}

test('an OpenID Connect provider ARN: the token of its issuer, verified by the keys its discovery document names', async () => {
  const token = await idToken('oidc', { sub: 'oidc-user-1', aud: 'any-client' });
  const id = await signIn({ [OIDC]: token });
  assert.deepEqual(await loginsOf(id), [OIDC]);
  // The same user again (another token) is the same identity; another user another one.
  assert.equal((await getId({ [OIDC]: await idToken('oidc', { sub: 'oidc-user-1', aud: 'x' }) })).IdentityId, id);
  assert.notEqual((await getId({ [OIDC]: await idToken('oidc', { sub: 'oidc-user-2', aud: 'x' }) })).IdentityId, id);
});

test('Google and Apple: ID tokens of their issuers for the configured app ids', async () => {
  const google = await signIn({ [GOOGLE]: await idToken('google', { sub: 'g-alice', aud: 'google-client-1', email: 'a@example.com' }) });
  assert.deepEqual(await loginsOf(google), [GOOGLE]);
  const apple = await signIn({ [APPLE]: await idToken('apple', { sub: 'apple.alice', aud: 'com.example.app' }) });
  assert.deepEqual(await loginsOf(apple), [APPLE]);
  assert.notEqual(google, apple);
});

test('Facebook, Login with Amazon and Twitter: tokens inspected by the provider; sub is its user id', async () => {
  const fb = await signIn({ [FACEBOOK]: 'fb-alice' });
  assert.deepEqual(await loginsOf(fb), [FACEBOOK]);
  assert.equal((await getId({ [FACEBOOK]: 'fb-alice' })).IdentityId, fb);
  assert.notEqual((await getId({ [FACEBOOK]: 'fb-bob' })).IdentityId, fb);
  const amz = await signIn({ [AMAZON]: 'amz-alice' });
  assert.deepEqual(await loginsOf(amz), [AMAZON]);
  const tw = await signIn({ [TWITTER]: 'tw-alice;tw-secret' });
  assert.deepEqual(await loginsOf(tw), [TWITTER]);
  assert.equal(new Set([fb, amz, tw]).size, 3);
});

test('refusals: bad signature, wrong issuer, wrong audience, expired, missing aud, refused by the provider, unknown provider', async () => {
  const refused = async (Logins: Record<string, string>, name: string, message: string | RegExp) => {
    const e = await awsErrorOf(() => getId(Logins));
    assert.equal(e.name, name, JSON.stringify(e));
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
  };
  const NOT_OIDC = 'Invalid login token. Not a valid OpenId Connect identity token.';
  await refused({ [OIDC]: await idToken('oidc', { sub: 'u', aud: 'a' }, { key: stranger }) }, 'NotAuthorizedException', NOT_OIDC);
  await refused({ [OIDC]: 'not-a-jwt' }, 'NotAuthorizedException', NOT_OIDC);
  await refused({ [OIDC]: await idToken('google', { sub: 'u', aud: 'google-client-1' }) }, 'NotAuthorizedException', "Invalid login token. Issuer doesn't match providerName");
  await refused({ [GOOGLE]: await idToken('google', { sub: 'u', aud: 'someone-else' }) }, 'NotAuthorizedException', 'Invalid login token. Incorrect token audience.');
  await refused({ [APPLE]: await idToken('apple', { sub: 'u' }) }, 'NotAuthorizedException', 'Invalid login token. Missing a required claim: aud');
  const exp = Math.floor(NOW / 1000) - 10;
  await refused({ [APPLE]: await idToken('apple', { sub: 'u', aud: 'com.example.app' }, { expSeconds: -10 }) }, 'NotAuthorizedException', `Invalid login token. Token expired: ${exp} >= ${Math.floor(NOW / 1000)}`);
  await refused({ [FACEBOOK]: 'fb-unknown' }, 'NotAuthorizedException', /^Invalid login token\. /);
  await refused({ [FACEBOOK]: 'fb-elsewhere' }, 'NotAuthorizedException', 'Invalid login token. Incorrect token audience.');
  await refused({ [AMAZON]: 'amz-unknown' }, 'NotAuthorizedException', /^Invalid login token\. /);
  await refused({ [AMAZON]: 'amz-other' }, 'NotAuthorizedException', 'Invalid login token. Incorrect token audience.');
  await refused({ [TWITTER]: 'tw-alice;wrong-secret' }, 'NotAuthorizedException', /^Invalid login token\. /);
  await refused({ [TWITTER]: 'no-secret' }, 'NotAuthorizedException', /^Invalid login token\. /);
  await refused({ 'elsewhere.example.com': 'x' }, 'NotAuthorizedException', 'Token is not from a supported provider of this identity pool.');
  // A provider that fails, answers too much or redirects: ExternalServiceException.
  for (const h of ['down', 'huge', 'moved']) {
    await refused({ [`${h}.example.com`]: await idToken('oidc', { sub: 'u', aud: 'a' }, { iss: `https://${h}.example.com` }) }, 'ExternalServiceException', /127\.0\.0\.1/);
  }
  // A refused login among good ones: nothing linked.
  const good = await idToken('oidc', { sub: 'refused-company', aud: 'a' });
  await refused({ [OIDC]: good, [FACEBOOK]: 'fb-unknown' }, 'NotAuthorizedException', /^Invalid login token\. /);
  assert.equal(await s.deps.store.identities.linked(poolId, OIDC, 'refused-company'), null);
});

test('several logins in one GetId: one new identity linked to all; a known one gains the rest; GetCredentialsForIdentity links too', async () => {
  const g = await idToken('google', { sub: 'g-link', aud: 'google-client-1' });
  const o = await idToken('oidc', { sub: 'o-link', aud: 'a' });
  const id = await signIn({ [GOOGLE]: g, [OIDC]: o });
  assert.deepEqual(await loginsOf(id), [GOOGLE, OIDC]);
  assert.equal((await getId({ [OIDC]: o })).IdentityId, id);
  // A known login and a new one: the new one joins that identity.
  assert.equal((await getId({ [GOOGLE]: g, [APPLE]: await idToken('apple', { sub: 'a-link', aud: 'com.example.app' }) })).IdentityId, id);
  assert.deepEqual(await loginsOf(id), [GOOGLE, OIDC, APPLE]);
  // GetCredentialsForIdentity with one of its logins and a new one links the new one.
  await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: id, Logins: { [OIDC]: o, [FACEBOOK]: 'fb-carol' } }));
  assert.deepEqual(await loginsOf(id), [GOOGLE, OIDC, APPLE, FACEBOOK]);
  // ... but logins none of which is the identity's prove nothing.
  const e = await awsErrorOf(() => unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: id, Logins: { [AMAZON]: 'amz-alice' } })));
  assert.equal(e.name, 'NotAuthorizedException');
});

test('logins of two identities in one GetId merge them into the older; two users of one provider cannot be merged', async () => {
  const older = (await getId({ [OIDC]: await idToken('oidc', { sub: 'merge-1', aud: 'a' }) })).IdentityId!;
  clock.advance(1000);
  const g1 = await idToken('google', { sub: 'merge-g1', aud: 'google-client-1' });
  const newer = (await getId({ [GOOGLE]: g1 })).IdentityId!;
  assert.notEqual(older, newer);
  const merged = (await getId({ [GOOGLE]: g1, [OIDC]: await idToken('oidc', { sub: 'merge-1', aud: 'a' }) })).IdentityId!;
  assert.equal(merged, older);
  assert.deepEqual(await loginsOf(older), [OIDC, GOOGLE]);
  assert.equal((await awsErrorOf(() => admin.send(new DescribeIdentityCommand({ IdentityId: newer })))).name, 'ResourceNotFoundException');
  assert.equal((await getId({ [GOOGLE]: g1 })).IdentityId, older);

  // Another identity with another Google user: merging it with `older` would give one identity two Google users.
  const g2 = await idToken('google', { sub: 'merge-g2', aud: 'google-client-1' });
  const other = (await getId({ [GOOGLE]: g2 })).IdentityId!;
  const o1 = await idToken('oidc', { sub: 'merge-1', aud: 'a' });
  const e = await awsErrorOf(() => getId({ [GOOGLE]: g2, [OIDC]: o1 }));
  assert.equal(e.name, 'ResourceConflictException');
  assert.deepEqual(await loginsOf(older), [OIDC, GOOGLE]);
  assert.deepEqual(await loginsOf(other), [GOOGLE]);
});

test('an identity holds at most 20 linked logins: LimitExceededException beyond, nothing linked', async () => {
  const t = await idToken('oidc', { sub: 'many-user', aud: 'a' });
  const logins = (names: string[]) => Object.fromEntries(names.map((n) => [n, t]));
  const id = (await getId(logins(MANY.slice(0, 10)))).IdentityId!;
  assert.equal((await getId(logins([MANY[0]!, ...MANY.slice(10, 19)]))).IdentityId, id);
  const e = await awsErrorOf(() => getId(logins([MANY[0]!, MANY[19]!, MANY[20]!])));
  assert.equal(e.name, 'LimitExceededException');
  assert.equal((await loginsOf(id))!.length, 19);
  assert.equal((await getId(logins([MANY[0]!, MANY[19]!]))).IdentityId, id);
  assert.equal((await loginsOf(id))!.length, 20);
});

test('IAM OpenID Connect providers: registered by the IAM API, their URL is the issuer and their client ids the audiences', async () => {
  const iam = new IAMClient({ region: s.deps.config.region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
  const url = `${base}/registered`;
  const name = url.replace('http://', '');
  const { OpenIDConnectProviderArn: arn } = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: url, ClientIDList: ['reg-client', 'reg-other'], ThumbprintList: ['0'.repeat(40)] }));
  assert.equal(arn, `arn:aws:iam::${s.deps.config.accountId}:oidc-provider/${name}`);
  const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
  assert.equal(got.Url, name);
  assert.deepEqual(got.ClientIDList, ['reg-client', 'reg-other']);
  assert.deepEqual(got.ThumbprintList, ['0'.repeat(40)]);
  assert.ok(got.CreateDate instanceof Date);
  assert.ok((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList!.some((p) => p.Arn === arn));
  const dup = await awsErrorOf(() => iam.send(new CreateOpenIDConnectProviderCommand({ Url: url, ClientIDList: ['x'] })));
  assert.equal(dup.name, 'EntityAlreadyExistsException');

  const pool = (await admin.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'registered', AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [arn] }))).IdentityPoolId!;
  const id = (await unsigned.send(new GetIdCommand({ IdentityPoolId: pool, Logins: { [name]: await idToken('registered', { sub: 'r1', aud: 'reg-other' }) } }))).IdentityId!;
  assert.deepEqual(await loginsOf(id), [name]);
  const wrongAud = await awsErrorOf(async () => unsigned.send(new GetIdCommand({ IdentityPoolId: pool, Logins: { [name]: await idToken('registered', { sub: 'r1', aud: 'not-listed' }) } })));
  assert.deepEqual([wrongAud.name, wrongAud.message], ['NotAuthorizedException', 'Invalid login token. Incorrect token audience.']);

  await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
  assert.equal((await awsErrorOf(() => iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })))).name, 'NoSuchEntityException');
  await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })); // idempotent, as IAM's
  iam.destroy();
});
