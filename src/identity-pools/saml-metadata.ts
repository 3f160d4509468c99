// An IdP's SAML 2.0 metadata document, as IAM reads the one CreateSAMLProvider uploads: the entityID (the issuer its
// assertions must name), the certificates of its IDPSSODescriptor that may sign them, and its validUntil.
import { DOMParser } from '@xmldom/xmldom';

/** The little of the DOM read here (the project compiles without the DOM lib's types). */
interface Element {
  nodeType: number;
  namespaceURI: string | null;
  localName: string;
  textContent: string | null;
  childNodes: ArrayLike<Element>;
  getAttribute(name: string): string | null;
  getElementsByTagNameNS(ns: string, name: string): ArrayLike<Element>;
}

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';

export interface IdpMetadata {
  entityId: string;
  /** the IdP's signing certificates, PEM */
  certificates: string[];
  /** validUntil (epoch ms), if the document says */
  validUntil: number | null;
}

export class BadMetadataError extends Error {}

/** Parses the XML of an IdP metadata document, or throws BadMetadataError. */
export function parseIdpMetadata(xml: string): IdpMetadata {
  const fail = (why: string): never => {
    throw new BadMetadataError(why);
  };
  // Documents with a DTD are refused outright: no entity expansion from uploaded XML.
  if (/<!DOCTYPE/i.test(xml)) fail('a DOCTYPE is not allowed');
  const doc = new DOMParser({ errorHandler: { warning: () => {}, error: (m) => fail(String(m)), fatalError: (m) => fail(String(m)) } }).parseFromString(xml, 'text/xml');
  const root = (doc as unknown as { documentElement: Element | null } | undefined)?.documentElement;
  if (!root || root.namespaceURI !== MD) fail('not a SAML metadata document');
  // An EntitiesDescriptor is taken when it holds exactly one IdP.
  const entities = root!.localName === 'EntityDescriptor' ? [root!] : root!.localName === 'EntitiesDescriptor' ? children(root!, MD, 'EntityDescriptor') : [];
  const idps = entities.flatMap((e) => children(e, MD, 'IDPSSODescriptor').map((idp) => ({ entity: e, idp })));
  if (idps.length !== 1) fail('expected one IDPSSODescriptor');
  const { entity, idp } = idps[0]!;
  const entityId = entity.getAttribute('entityID') ?? '';
  if (!entityId) fail('the EntityDescriptor has no entityID');
  const certificates: string[] = [];
  for (const kd of children(idp, MD, 'KeyDescriptor')) {
    const use = kd.getAttribute('use');
    if (use && use !== 'signing') continue;
    for (const c of Array.from(kd.getElementsByTagNameNS(DS, 'X509Certificate'))) {
      const b64 = (c.textContent ?? '').replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) fail('an X509Certificate is not base64');
      certificates.push(`-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`);
    }
  }
  if (certificates.length === 0) fail('the IDPSSODescriptor has no signing certificate');
  const until = idp.getAttribute('validUntil') || entity.getAttribute('validUntil') || root!.getAttribute('validUntil');
  const validUntil = until ? Date.parse(until) : null;
  if (validUntil !== null && Number.isNaN(validUntil)) fail('validUntil is not a date');
  return { entityId, certificates, validUntil };
}

function children(e: Element, ns: string, name: string): Element[] {
  return Array.from(e.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === name);
}
