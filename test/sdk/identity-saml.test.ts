// SAML logins of identity pools and IAM SAML providers, through the real IAM, cognito-identity and STS clients: a test
// IdP (an RSA key and self-signed certificate made with openssl) whose metadata IAM registers, and SAML responses it
// signs with xml-crypto, as an IdP posting to AWS sign-in would; on the store under test (PostgreSQL when
// COGNATE_TEST_DATABASE_URL is set).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignedXml } from 'xml-crypto';
import {
  CognitoIdentityClient, CreateIdentityPoolCommand, DescribeIdentityCommand, GetCredentialsForIdentityCommand, GetIdCommand, GetOpenIdTokenCommand,
  SetIdentityPoolRolesCommand,
} from '@aws-sdk/client-cognito-identity';
import {
  IAMClient, CreateRoleCommand, CreateSAMLProviderCommand, DeleteSAMLProviderCommand, GetSAMLProviderCommand, ListSAMLProvidersCommand,
  UpdateSAMLProviderCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsErrorOf, type TestServer } from '../support/server.ts';
import { startServerOnStoreUnderTest, testOnPostgres } from '../support/store-under-test.ts';
import { trustFor } from '../support/identity-pool.ts';
import { keyPair, metadata } from '../support/saml-idp.ts';
import { FixedClock } from '../../src/runtime/clock.ts';

const NOW = Math.floor(Date.now() / 1000) * 1000;
const clock = new FixedClock(NOW);
const IDP = 'https://idp.example.com/saml';
const ROLE_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/Role';

let s: TestServer;
let iam: IAMClient;
let admin: CognitoIdentityClient;
let unsigned: CognitoIdentityClient;
let account: string;
/** the test IdP's key pair, and another (an impostor's) */
let idp: { key: string; cert: string };
let impostor: { key: string; cert: string };
let providerArn: string;
let poolId: string;
let authRole: string;
let samlRole: string;
let otherRole: string;

interface ResponseOptions {
  nameId?: string;
  issuer?: string;
  audience?: string;
  recipient?: string;
  destination?: string;
  notBefore?: number;
  notOnOrAfter?: number;
  attributes?: Record<string, string[]>;
  /** what is signed: the assertion (default), the whole response, or nothing */
  sign?: 'assertion' | 'response' | 'none';
  signer?: { key: string; cert: string };
  /** applied to the XML after signing */
  tamper?: (xml: string) => string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** A base64 SAMLResponse of the test IdP, as it would post it to AWS sign-in. */
function samlResponse(o: ResponseOptions = {}): string {
  const notBefore = o.notBefore ?? NOW - 60_000;
  const notOnOrAfter = o.notOnOrAfter ?? NOW + 300_000;
  const attrs = Object.entries(o.attributes ?? {})
    .map(([name, values]) => `<saml:Attribute Name="${esc(name)}">${values.map((v) => `<saml:AttributeValue>${esc(v)}</saml:AttributeValue>`).join('')}</saml:Attribute>`)
    .join('');
  const assertion = `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a${Math.random().toString(16).slice(2)}" IssueInstant="${iso(NOW)}" Version="2.0">`
    + `<saml:Issuer>${esc(o.issuer ?? IDP)}</saml:Issuer>`
    + `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">${esc(o.nameId ?? 'alice@example.com')}</saml:NameID>`
    + `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${iso(notOnOrAfter)}" Recipient="${esc(o.recipient ?? 'https://signin.aws.amazon.com/saml')}"/></saml:SubjectConfirmation></saml:Subject>`
    + `<saml:Conditions NotBefore="${iso(notBefore)}" NotOnOrAfter="${iso(notOnOrAfter)}"><saml:AudienceRestriction><saml:Audience>${esc(o.audience ?? 'urn:amazon:webservices')}</saml:Audience></saml:AudienceRestriction></saml:Conditions>`
    + `<saml:AuthnStatement AuthnInstant="${iso(NOW)}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`
    + (attrs ? `<saml:AttributeStatement>${attrs}</saml:AttributeStatement>` : '')
    + `</saml:Assertion>`;
  let xml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r${Math.random().toString(16).slice(2)}" Version="2.0" IssueInstant="${iso(NOW)}" Destination="${esc(o.destination ?? 'https://signin.aws.amazon.com/saml')}">`
    + `<saml:Issuer>${esc(o.issuer ?? IDP)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>${assertion}</samlp:Response>`;
  const sign = o.sign ?? 'assertion';
  if (sign !== 'none') {
    const signer = o.signer ?? idp;
    const element = sign === 'assertion' ? 'Assertion' : 'Response';
    const sig = new SignedXml({
      privateKey: signer.key,
      publicCert: signer.cert, // KeyInfo carries the signer's certificate: it must not be what the signature is checked with
      signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    });
    sig.addReference({
      xpath: `//*[local-name(.)='${element}']`,
      transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    });
    sig.computeSignature(xml, { location: { reference: `//*[local-name(.)='${element}']/*[local-name(.)='Issuer']`, action: 'after' } });
    xml = sig.getSignedXml();
  }
  if (o.tamper) xml = o.tamper(xml);
  return Buffer.from(xml, 'utf8').toString('base64');
}

const roleOf = (name: string) => `arn:aws:iam::${account}:role/${name}`;

before(async () => {
  idp = keyPair('idp.example.com');
  impostor = keyPair('idp.example.com');
  s = await startServerOnStoreUnderTest(clock, 'cognate_idsaml');
  const region = s.deps.config.region;
  account = s.deps.config.accountId;
  iam = new IAMClient({ region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
  admin = new CognitoIdentityClient({ region, endpoint: s.url, credentials: s.deps.admin, maxAttempts: 1 });
  unsigned = new CognitoIdentityClient({ region, endpoint: s.url, maxAttempts: 1, credentials: () => Promise.reject(new Error('must not need credentials')) });
  providerArn = (await iam.send(new CreateSAMLProviderCommand({ Name: 'Corp-IdP', SAMLMetadataDocument: metadata(IDP, idp.cert) }))).SAMLProviderArn!;
  poolId = (await admin.send(new CreateIdentityPoolCommand({
    IdentityPoolName: 'saml', AllowUnauthenticatedIdentities: false,
    SamlProviderARNs: [providerArn, `arn:aws:iam::${account}:saml-provider/NotInIam`],
  }))).IdentityPoolId!;
  const role = async (name: string) => (await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustFor(poolId, 'authenticated') }))).Role!.Arn!;
  authRole = await role('Saml_Auth');
  samlRole = await role('Saml_Engineers');
  otherRole = await role('Saml_Admins');
  await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: authRole } }));
});
after(async () => {
  iam?.destroy();
  admin?.destroy();
  unsigned?.destroy();
  await s?.close();
});

testOnPostgres(() => s);

/** The role ARN the credentials of a GetCredentialsForIdentity call act as (STS GetCallerIdentity signed with them). */
async function roleOfCredentials(identityId: string, token: string, customRoleArn?: string): Promise<string> {
  const c = (await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: identityId, Logins: { [providerArn]: token }, CustomRoleArn: customRoleArn }))).Credentials!;
  const sts = new STSClient({ region: s.deps.config.region, endpoint: s.url, maxAttempts: 1, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretKey!, sessionToken: c.SessionToken! } });
  try {
    const arn = (await sts.send(new GetCallerIdentityCommand({}))).Arn!;
    return roleOf(arn.split('/')[1]!);
  } finally {
    sts.destroy();
  }
}

test('IAM SAML providers: create, get, list, update, delete, with IAM errors', async () => {
  assert.equal(providerArn, `arn:aws:iam::${account}:saml-provider/Corp-IdP`);
  const got = await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: providerArn }));
  assert.equal(got.SAMLMetadataDocument, metadata(IDP, idp.cert));
  assert.equal(got.CreateDate!.getTime(), NOW);
  assert.equal(got.ValidUntil, undefined);
  const listed = (await iam.send(new ListSAMLProvidersCommand({}))).SAMLProviderList!;
  assert.deepEqual(listed.map((p) => [p.Arn, p.CreateDate!.getTime()]), [[providerArn, NOW]]);

  const dup = await awsErrorOf(() => iam.send(new CreateSAMLProviderCommand({ Name: 'Corp-IdP', SAMLMetadataDocument: metadata(IDP, idp.cert) })));
  assert.deepEqual([dup.name, dup.status], ['EntityAlreadyExistsException', 409]);
  const notMetadata = await awsErrorOf(() => iam.send(new CreateSAMLProviderCommand({ Name: 'Other', SAMLMetadataDocument: `<html>${'x'.repeat(1200)}</html>` })));
  assert.deepEqual([notMetadata.name, notMetadata.message], ['InvalidInputException', 'Could not parse metadata']);
  const noCert = await awsErrorOf(() => iam.send(new CreateSAMLProviderCommand({ Name: 'Other', SAMLMetadataDocument: metadata(IDP, idp.cert).replace(/<md:KeyDescriptor[\s\S]*<\/md:KeyDescriptor>/, `<!-- ${'k'.repeat(1200)} -->`) })));
  assert.equal(noCert.name, 'InvalidInputException');
  const short = await awsErrorOf(() => iam.send(new CreateSAMLProviderCommand({ Name: 'Other', SAMLMetadataDocument: '<md:EntityDescriptor/>' })));
  assert.equal(short.name, 'ValidationError');
  const badName = await awsErrorOf(() => iam.send(new CreateSAMLProviderCommand({ Name: 'has space', SAMLMetadataDocument: metadata(IDP, idp.cert) })));
  assert.equal(badName.name, 'ValidationError');
  assert.equal((await iam.send(new ListSAMLProvidersCommand({}))).SAMLProviderList!.length, 1, 'nothing made by refused requests');

  // A provider of its own to update and delete; validUntil in the metadata is its ValidUntil.
  const until = '2030-01-02T03:04:05Z';
  const arn = (await iam.send(new CreateSAMLProviderCommand({ Name: 'Temp_1.x', SAMLMetadataDocument: metadata(IDP, idp.cert) }))).SAMLProviderArn!;
  const updated = metadata(IDP, impostor.cert).replace('<md:EntityDescriptor ', `<md:EntityDescriptor validUntil="${until}" `);
  assert.equal((await iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arn, SAMLMetadataDocument: updated }))).SAMLProviderArn, arn);
  const after = await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: arn }));
  assert.equal(after.SAMLMetadataDocument, updated);
  assert.equal(after.ValidUntil!.toISOString(), '2030-01-02T03:04:05.000Z');
  const badUpdate = await awsErrorOf(() => iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arn, SAMLMetadataDocument: 'y'.repeat(1500) })));
  assert.equal(badUpdate.name, 'InvalidInputException');
  assert.equal((await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: arn }))).SAMLMetadataDocument, updated, 'unchanged by a refused update');
  await iam.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: arn }));
  for (const call of [
    () => iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: arn })),
    () => iam.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: arn })),
    () => iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arn, SAMLMetadataDocument: updated })),
  ]) {
    const gone = await awsErrorOf(call);
    assert.deepEqual([gone.name, gone.message, gone.status], ['NoSuchEntityException', `Manifest not found for arn ${arn}`, 404]);
  }
});

test('a signed SAML response signs in: the NameID is the user, the Role attribute paired with the provider picks the role', async () => {
  const token = samlResponse({ attributes: { [ROLE_ATTRIBUTE]: [`${samlRole},${providerArn}`], department: ['eng'] } });
  const id = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [providerArn]: token } }))).IdentityId!;
  assert.deepEqual((await admin.send(new DescribeIdentityCommand({ IdentityId: id }))).Logins, [providerArn]);
  assert.equal(await roleOfCredentials(id, token), samlRole);
  const amr = JSON.parse(Buffer.from((await unsigned.send(new GetOpenIdTokenCommand({ IdentityId: id, Logins: { [providerArn]: token } }))).Token!.split('.')[1]!, 'base64url').toString());
  assert.deepEqual(amr.amr, ['authenticated', providerArn, `${providerArn}:CognitoSignIn:alice@example.com`]);

  // The same NameID, in a response signed over the whole Response this time, is the same identity.
  const again = samlResponse({ sign: 'response' });
  assert.equal((await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [providerArn]: again } }))).IdentityId, id);
  // No Role attribute: the pool's authenticated role.
  assert.equal(await roleOfCredentials(id, again), authRole);
  // Another NameID is another identity.
  const bob = samlResponse({ nameId: 'bob@example.com' });
  assert.notEqual((await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [providerArn]: bob } }))).IdentityId, id);
});

test('several roles in the Role attribute: CustomRoleArn picks one of them; a role not offered is refused', async () => {
  // Pairs name the provider in either order; a pair for another provider offers nothing here.
  const token = samlResponse({ nameId: 'carol@example.com', attributes: { [ROLE_ATTRIBUTE]: [
    `${samlRole},${providerArn}`, `${providerArn},${otherRole}`, `${roleOf('Saml_Elsewhere')},arn:aws:iam::${account}:saml-provider/Elsewhere`,
  ] } });
  const id = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [providerArn]: token } }))).IdentityId!;
  assert.equal(await roleOfCredentials(id, token, otherRole), otherRole);
  assert.equal(await roleOfCredentials(id, token, samlRole), samlRole);
  assert.equal(await roleOfCredentials(id, token), authRole, 'several roles and no choice: the pool role');
  const refused = await awsErrorOf(() => roleOfCredentials(id, token, roleOf('Saml_Elsewhere')));
  assert.equal(refused.name, 'NotAuthorizedException');
});

test('role mapping Rules match SAML attributes', async () => {
  await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: authRole }, RoleMappings: {
    [providerArn]: { Type: 'Rules', AmbiguousRoleResolution: 'Deny', RulesConfiguration: { Rules: [{ Claim: 'department', MatchType: 'Equals', Value: 'ops', RoleARN: otherRole }] } },
  } }));
  try {
    const ops = samlResponse({ nameId: 'dave@example.com', attributes: { department: ['sales', 'ops'] } });
    const id = (await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [providerArn]: ops } }))).IdentityId!;
    assert.equal(await roleOfCredentials(id, ops), otherRole);
    const sales = samlResponse({ nameId: 'dave@example.com', attributes: { department: ['sales'] } });
    const denied = await awsErrorOf(() => roleOfCredentials(id, sales));
    assert.deepEqual([denied.name, denied.message], ['NotAuthorizedException', `The ambiguous role mapping rules for: ${providerArn} denied this request.`]);
  } finally {
    await admin.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: authRole } }));
  }
});

test('refused SAML responses: bad signature, unsigned, tampered, expired, not yet valid, wrong audience, recipient, destination or issuer; unknown providers', async () => {
  const refusal = async (Logins: Record<string, string>) => {
    const e = await awsErrorOf(() => unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins })));
    assert.equal(e.name, 'NotAuthorizedException');
    return e.message;
  };
  // Messages ours (Cognito's are not documented), after Cognito's "Invalid login token. ".
  const cases: [string, string, string][] = [
    ['signed by another key (its certificate in KeyInfo)', samlResponse({ signer: impostor }), 'The SAML response is not valid or not signed by the SAML provider.'],
    ['response signed by another key', samlResponse({ sign: 'response', signer: impostor }), 'The SAML response is not valid or not signed by the SAML provider.'],
    ['unsigned', samlResponse({ sign: 'none' }), 'The SAML response is not valid or not signed by the SAML provider.'],
    ['NameID changed after signing', samlResponse({ tamper: (x) => x.replace('alice@example.com', 'mallory@example.com') }), 'The SAML response is not valid or not signed by the SAML provider.'],
    ['expired', samlResponse({ notBefore: NOW - 600_000, notOnOrAfter: NOW - 1 }), 'The SAML assertion has expired.'],
    ['expiring this very millisecond', samlResponse({ notOnOrAfter: NOW }), 'The SAML assertion has expired.'],
    ['not yet valid', samlResponse({ notBefore: NOW + 60_000 }), 'The SAML assertion is not yet valid.'],
    ['for another audience', samlResponse({ audience: 'https://app.example.com/saml' }), 'The SAML assertion is not for AWS (Audience).'],
    ['for another recipient', samlResponse({ recipient: 'https://app.example.com/acs' }), 'The SAML assertion has no valid bearer SubjectConfirmation for AWS.'],
    ['for another destination', samlResponse({ destination: 'https://app.example.com/acs' }), 'The SAML response is not for AWS (Destination).'],
    ['issued by another entity', samlResponse({ issuer: 'https://other-idp.example.com' }), `The SAML assertion's issuer is not ${IDP}.`],
    ['not base64', 'not a SAML response!', 'The SAML response is not base64.'],
    ['not XML', Buffer.from('hello').toString('base64'), 'The SAML response is not valid or not signed by the SAML provider.'],
  ];
  for (const [why, token, message] of cases) assert.equal(await refusal({ [providerArn]: token }), `Invalid login token. ${message}`, why);
  // The regional sign-in endpoint and the other audience name are AWS's too.
  const regional = samlResponse({ nameId: 'erin@example.com', audience: 'https://signin.aws.amazon.com/saml', recipient: 'https://us-east-1.signin.aws.amazon.com/saml' });
  assert.ok((await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [providerArn]: regional } }))).IdentityId);

  // A provider the pool does not name; one it names that IAM does not have.
  const good = samlResponse();
  assert.equal(await refusal({ [`arn:aws:iam::${account}:saml-provider/Unknown`]: good }), 'Token is not from a supported provider of this identity pool.');
  assert.match(await refusal({ [`arn:aws:iam::${account}:saml-provider/NotInIam`]: good }), /^Invalid login token\. /);
  // The clock moves on past the assertion's end: the same response is refused.
  clock.set(NOW + 300_000);
  try {
    assert.match(await refusal({ [providerArn]: good }), /^Invalid login token\. /);
  } finally {
    clock.set(NOW);
  }
  assert.ok((await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [providerArn]: good } }))).IdentityId);
});
