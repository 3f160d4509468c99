// Who gets the --dev relaxations (admin calls signed by any key, the outbox unsigned, CORS grants for both): callers on
// this machine, never a web page of another origin.
//
// A browser lets any page send requests to 127.0.0.1, so --dev must not trust a request only for arriving there. Two
// headers a page cannot forge decide (CONTRACT.md: "in --dev mode also unsigned from this machine, never from a
// foreign web origin"):
// - Host names this server: localhost or *.localhost, an IP literal, the bind address or the public URL's host.
//   A page of another site that re-points its own name at 127.0.0.1 (DNS rebinding) sends its own name here.
// - Origin is absent (curl, the SDKs, a test runner), a loopback origin, or the public URL's origin. Browsers send
//   Origin with every cross-origin request and with every POST.
// Everything else is answered as without --dev: a SigV4 signature by the admin key, checked.
import { isIP } from 'node:net';
import type { FastifyReply } from 'fastify';
import type { Config } from '../config/schema.ts';

type Headers = Record<string, string | string[] | undefined>;

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** The host name of a Host header value (`name`, `name:port`, `[v6]:port`), lower-cased, without a trailing dot. */
function hostName(host: string): string | null {
  try {
    return bare(new URL(`http://${host}`).hostname);
  } catch {
    return null;
  }
}

/** A URL hostname without IPv6 brackets or a trailing dot, lower-cased. */
function bare(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  return name === '::1';
}

function publicUrlOf(config: Pick<Config, 'publicUrl'>): URL | null {
  try {
    return new URL(config.publicUrl);
  } catch {
    return null;
  }
}

/** Whether the connection comes from this machine (a loopback address, IPv4-mapped or not). */
export function isLoopbackPeer(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a.startsWith('127.') || a === '::1';
}

/** Whether the Host header names this server (not a name someone else pointed at it). */
export function hostIsLocal(config: Pick<Config, 'host' | 'publicUrl'>, headers: Headers): boolean {
  const raw = one(headers.host);
  if (!raw) return false;
  const name = hostName(raw);
  if (name === null) return false;
  if (name === 'localhost' || name.endsWith('.localhost') || isIP(name)) return true;
  if (name === bare(config.host)) return true;
  const pub = publicUrlOf(config);
  return pub !== null && name === bare(pub.hostname);
}

/** Whether the Origin header is absent or one of this machine's own (a loopback origin or the public URL's). */
export function originIsLocal(config: Pick<Config, 'publicUrl'>, headers: Headers): boolean {
  const raw = one(headers.origin);
  if (raw === undefined) return true;
  let origin: URL;
  try {
    origin = new URL(raw);
  } catch {
    return false; // 'null' (sandboxed frames, file: pages) and anything unparseable
  }
  if (origin.protocol !== 'http:' && origin.protocol !== 'https:') return false;
  if (isLoopbackName(bare(origin.hostname))) return true;
  const pub = publicUrlOf(config);
  return pub !== null && origin.origin === pub.origin;
}

/** Whether this request gets the --dev relaxations: --dev is on and both Host and Origin are this machine's. */
export function devAccess(config: Pick<Config, 'dev' | 'host' | 'publicUrl'>, headers: Headers): boolean {
  return config.dev && hostIsLocal(config, headers) && originIsLocal(config, headers);
}

/**
 * In --dev mode, a request for an admin operation or the outbox from outside this machine gets no CORS grant: the
 * server's onRequest hook gave every response one (public operations need it, as on AWS), and this takes it back, so
 * a foreign page cannot read the answer even when the call is refused.
 */
export function withholdAdminCors(config: Pick<Config, 'dev' | 'host' | 'publicUrl'>, headers: Headers, reply: FastifyReply): void {
  if (config.dev && !devAccess(config, headers)) {
    reply.removeHeader('access-control-allow-origin');
    reply.removeHeader('access-control-expose-headers');
  }
}
