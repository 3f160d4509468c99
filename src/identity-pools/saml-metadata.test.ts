import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadMetadataError, parseIdpMetadata } from './saml-metadata.ts';

const CERT_A = 'MIIBszCCAVmgAwIBAgIUQQ==';
const CERT_B = 'MIIBszCCAVmgAwIBAgIUQg==';
const md = (inner: string, attrs = '') =>
  `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.com" ${attrs}>${inner}</md:EntityDescriptor>`;
const idp = (keys: string, attrs = '') => `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" ${attrs}>${keys}</md:IDPSSODescriptor>`;
const key = (cert: string, use?: string) =>
  `<md:KeyDescriptor${use ? ` use="${use}"` : ''}><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\n  ${cert}\n</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
const pem = (b64: string) => `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;

test('the entityID, the signing certificates (use="signing" or no use; not encryption ones) and validUntil', () => {
  const m = parseIdpMetadata(md(idp(key(CERT_A, 'signing') + key(CERT_B, 'encryption') + key(CERT_B), 'validUntil="2030-01-01T00:00:00Z"')));
  assert.deepEqual(m, { entityId: 'https://idp.example.com', certificates: [pem(CERT_A), pem(CERT_B)], validUntil: Date.UTC(2030, 0, 1) });
  assert.equal(parseIdpMetadata(md(idp(key(CERT_A)))).validUntil, null);
  // an EntitiesDescriptor holding one IdP (and a service provider) is taken
  const sp = '<md:EntityDescriptor entityID="https://sp.example.com"><md:SPSSODescriptor protocolSupportEnumeration="x"/></md:EntityDescriptor>';
  const both = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${sp}${md(idp(key(CERT_A))).replace(/ xmlns:md="[^"]*"/, '')}</md:EntitiesDescriptor>`;
  assert.equal(parseIdpMetadata(both).entityId, 'https://idp.example.com');
});

test('what is not IdP metadata is refused', () => {
  for (const [why, xml] of [
    ['not XML', 'hello'],
    ['unclosed', md(idp(key(CERT_A))).slice(0, -5)],
    ['another namespace', '<EntityDescriptor entityID="x"/>'],
    ['no IdP', md('<md:SPSSODescriptor protocolSupportEnumeration="x"/>')],
    ['two IdPs', md(idp(key(CERT_A)) + idp(key(CERT_B)))],
    ['no entityID', md(idp(key(CERT_A))).replace('entityID="https://idp.example.com"', '')],
    ['no signing certificate', md(idp(key(CERT_A, 'encryption')))],
    ['a certificate that is not base64', md(idp(key('not base64!')))],
    ['a bad validUntil', md(idp(key(CERT_A), 'validUntil="soon"'))],
    ['a DOCTYPE', `<!DOCTYPE x [<!ENTITY e "e">]>${md(idp(key(CERT_A)))}`],
  ]) assert.throws(() => parseIdpMetadata(xml!), BadMetadataError, why);
});
