// Logins from the pool's SamlProviderARNs: the Logins key is the IAM SAML provider's ARN, the value the base64
// SAMLResponse the IdP posts (Cognito Developer Guide, "Setting up a SAML provider as an identity pool IdP"). Checked
// as IAM checks a response for AWS sign-in: signed (the response or its one assertion) by a signing certificate of
// the provider's metadata, issued by the metadata's entityID, for AWS (audience and recipient), and within its
// validity times on deps.clock. The provider user id is the NameID; the attributes become the claims role-mapping
// rules match; the https://aws.amazon.com/SAML/Attributes/Role pairs naming this provider give the roles it offers.
import { SAML } from '@node-saml/node-saml';
import { ROLE_ARN } from '../roles.ts';
import { BadMetadataError, parseIdpMetadata } from '../saml-metadata.ts';
import { invalidLogin, type LoginDeps, type VerifiedLogin } from './login.ts';

/** What AWS sign-in answers to as a SAML service provider: its audience names and endpoint (regional ones too). */
const AWS_AUDIENCES = ['https://signin.aws.amazon.com/saml', 'urn:amazon:webservices'];
const AWS_ENDPOINT = /^https:\/\/([a-z0-9-]+\.)?signin\.aws\.amazon\.com\/saml$/;
export const ROLE_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/Role';

/** The pool's SamlProviderARNs entry `provider` names, if any. */
export function samlProviderArn(pool: { settings: { SamlProviderARNs?: string[] } }, provider: string): string | undefined {
  return pool.settings.SamlProviderARNs?.find((arn) => arn === provider);
}

type XmlNode = { _?: string; $?: Record<string, string> } & Record<string, unknown>;
const nodes = (n: unknown, name: string): XmlNode[] => ((n as Record<string, unknown> | undefined)?.[name] as XmlNode[] | undefined) ?? [];
const attr = (n: XmlNode | undefined, name: string): string | undefined => n?.$?.[name];

/** A SAML dateTime as epoch ms, or a refusal when it is not one. */
function instant(v: string, what: string): number {
  const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) throw invalidLogin(`The SAML assertion's ${what} is not a date.`); // wording ours
  return ms;
}

export async function samlLogin(deps: LoginDeps, arn: string, token: string): Promise<VerifiedLogin> {
  const registered = await deps.store.samlProviders.get(arn);
  if (!registered) throw invalidLogin(`No SAML provider ${arn} exists.`); // wording ours
  let meta;
  try {
    meta = parseIdpMetadata(registered.metadata);
  } catch (e) {
    if (e instanceof BadMetadataError) throw invalidLogin(`The metadata of SAML provider ${arn} cannot be read.`); // wording ours
    throw e;
  }
  const now = deps.clock.now();
  if (meta.validUntil !== null && now >= meta.validUntil) throw invalidLogin(`The metadata of SAML provider ${arn} has expired.`); // wording ours
  if (!/^[A-Za-z0-9+/=\s]+$/.test(token)) throw invalidLogin('The SAML response is not base64.'); // wording ours
  const saml = new SAML({
    idpCert: meta.certificates,
    issuer: AWS_AUDIENCES[1]!,
    callbackUrl: AWS_AUDIENCES[0]!,
    // Either the response or its assertion must be signed (node-saml then reads only what the signature covers).
    wantAuthnResponseSigned: false,
    wantAssertionsSigned: false,
    // Time and audience are checked below, against deps.clock and every name AWS answers to.
    acceptedClockSkewMs: -1,
    audience: false,
  });
  let profile;
  try {
    ({ profile } = await saml.validatePostResponseAsync({ SAMLResponse: token }));
  } catch {
    // node-saml's reasons (bad signature, no assertion, an IdP error status) are not Cognito's words: one refusal.
    throw invalidLogin('The SAML response is not valid or not signed by the SAML provider.'); // wording ours
  }
  if (!profile) throw invalidLogin('The SAML response has no assertion.'); // wording ours
  const assertion = (profile.getAssertion?.() as { Assertion?: XmlNode } | undefined)?.Assertion;
  if (!assertion) throw invalidLogin('The SAML response has no assertion.'); // wording ours
  if (profile.issuer !== meta.entityId) throw invalidLogin(`The SAML assertion's issuer is not ${meta.entityId}.`); // wording ours

  // The response's Destination (where present) is AWS sign-in.
  const destination = /^\s*(?:<\?xml[^>]*\?>\s*)?<(?:\w+:)?Response\b[^>]*?\sDestination="([^"]*)"/.exec(profile.getSamlResponseXml?.() ?? '')?.[1];
  if (destination !== undefined && !AWS_ENDPOINT.test(destination)) throw invalidLogin('The SAML response is not for AWS (Destination).'); // wording ours

  const conditions = nodes(assertion, 'Conditions');
  if (conditions.length !== 1) throw invalidLogin('The SAML assertion must have one Conditions element.'); // wording ours
  const c = conditions[0]!;
  const notBefore = attr(c, 'NotBefore');
  const notOnOrAfter = attr(c, 'NotOnOrAfter');
  if (notBefore !== undefined && now < instant(notBefore, 'NotBefore')) throw invalidLogin('The SAML assertion is not yet valid.'); // wording ours
  if (notOnOrAfter !== undefined && now >= instant(notOnOrAfter, 'NotOnOrAfter')) throw invalidLogin('The SAML assertion has expired.'); // wording ours
  // Every AudienceRestriction must name AWS (SAML core 2.5.1.4: each restriction must be met), and there must be one.
  const restrictions = nodes(c, 'AudienceRestriction');
  const audiences = (r: XmlNode) => nodes(r, 'Audience').map((a) => (typeof a === 'string' ? a : a._ ?? '').trim());
  if (restrictions.length === 0 || !restrictions.every((r) => audiences(r).some((a) => AWS_AUDIENCES.includes(a) || AWS_ENDPOINT.test(a))))
    throw invalidLogin('The SAML assertion is not for AWS (Audience).'); // wording ours

  // A bearer SubjectConfirmation for AWS sign-in, still valid.
  const subject = nodes(assertion, 'Subject')[0];
  const bearer = nodes(subject, 'SubjectConfirmation').filter((s) => attr(s, 'Method') === 'urn:oasis:names:tc:SAML:2.0:cm:bearer');
  const confirmed = bearer.some((s) => {
    const data = nodes(s, 'SubjectConfirmationData')[0];
    const recipient = attr(data, 'Recipient');
    const until = attr(data, 'NotOnOrAfter');
    const from = attr(data, 'NotBefore');
    return (recipient === undefined || AWS_ENDPOINT.test(recipient)) && (until === undefined || now < instant(until, 'NotOnOrAfter')) && (from === undefined || now >= instant(from, 'NotBefore'));
  });
  if (!confirmed) throw invalidLogin('The SAML assertion has no valid bearer SubjectConfirmation for AWS.'); // wording ours

  const sub = profile.nameID;
  if (typeof sub !== 'string' || !sub) throw invalidLogin('The SAML assertion has no NameID.'); // wording ours
  const claims: Record<string, unknown> = {};
  for (const [name, v] of Object.entries((profile.attributes ?? {}) as Record<string, unknown>)) {
    const values = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
    if (values.length) claims[name] = values.length === 1 && !Array.isArray(v) ? values[0] : values;
  }
  return { provider: arn, sub, claims, roles: rolesFor(arn, claims[ROLE_ATTRIBUTE]) };
}

/** The roles of the Role attribute's `role-arn,provider-arn` pairs (either order) that name this provider. */
function rolesFor(arn: string, v: unknown): string[] {
  const roles: string[] = [];
  for (const pair of Array.isArray(v) ? v : v === undefined ? [] : [v]) {
    const parts = String(pair).split(',').map((s) => s.trim());
    if (parts.length !== 2) continue;
    const role = parts.find((p) => ROLE_ARN.test(p));
    if (role && parts.includes(arn) && !roles.includes(role)) roles.push(role);
  }
  return roles;
}
