// `cognate outbox [--to ADDRESS] [--limit N] [--follow]`: reads the running server's outbox (GET /_cognate/outbox)
// signed with the admin key from the data directory or the environment, so a developer never signs by hand.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import { OUTBOX_PATH } from '../protocol/outbox.ts';
import { signRequest, type SigningCredentials } from '../runtime/lambda/sigv4-sign.ts';

export class OutboxCommandError extends Error {}

interface OutboxMessage {
  to: string;
  subject: string | null;
  body: string;
  sentAt: string;
  channel?: string;
  delivery?: string;
}

/** The admin key pair the server uses, without generating one (that is the server's first start). */
function adminCredentials(config: Config): SigningCredentials {
  if (config.adminAccessKeyId && config.adminSecretAccessKey)
    return { accessKeyId: config.adminAccessKeyId, secretAccessKey: config.adminSecretAccessKey };
  const path = join(config.dataDir, 'admin-credentials.json');
  if (!existsSync(path))
    throw new OutboxCommandError(
      `no admin key in ${path}: start the server first (it generates one), or give --data-dir as the server's, or set COGNATE_ADMIN_ACCESS_KEY_ID and COGNATE_ADMIN_SECRET_ACCESS_KEY`,
    );
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SigningCredentials;
  } catch (e) {
    throw new OutboxCommandError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

async function fetchOutbox(config: Config, creds: SigningCredentials, to: string | undefined, limit: number): Promise<OutboxMessage[]> {
  const url = new URL(OUTBOX_PATH, config.publicUrl + '/');
  if (to) url.searchParams.set('to', to);
  url.searchParams.set('limit', String(limit));
  const headers = signRequest({ method: 'GET', url, headers: {}, body: '' }, { credentials: creds, region: config.region, service: 'cognito-idp', nowMs: Date.now() });
  delete headers.host; // fetch sets it
  let res: Response;
  try {
    res = await fetch(url, { headers });
  } catch {
    throw new OutboxCommandError(`no server answers at ${config.publicUrl}: start it (npm start), or give the --port or --public-url it serves`);
  }
  const text = await res.text();
  let body: { messages?: OutboxMessage[]; __type?: string; message?: string; Message?: string };
  try {
    body = JSON.parse(text);
  } catch {
    throw new OutboxCommandError(`${config.publicUrl} answered ${res.status} with something other than Cognate's outbox: is it a Cognate server?`);
  }
  if (!res.ok) {
    const hint = body.__type?.includes('InvalidSignature') || body.__type?.includes('UnrecognizedClient') ? ' (is --data-dir the server\'s, and --region its region?)' : '';
    throw new OutboxCommandError(`the server refused: ${body.__type ?? res.status}: ${body.message ?? body.Message ?? ''}${hint}`);
  }
  return body.messages ?? [];
}

/** A message as a few lines, with the code pulled out when the body carries one. */
export function formatMessage(m: OutboxMessage): string {
  const how = [m.channel, m.delivery].filter(Boolean).join(', ');
  const code = /\b(\d{6})\b/.exec(m.body)?.[1];
  return [
    `${m.sentAt}  to ${m.to}${how ? `  (${how})` : ''}`,
    ...(m.subject ? [`  subject: ${m.subject}`] : []),
    ...m.body.split('\n').map((l) => `  ${l}`),
    ...(code ? [`  code: ${code}`] : []),
    '',
  ].join('\n');
}

const keyOf = (m: OutboxMessage) => `${m.sentAt}\u0000${m.to}\u0000${m.body}`;

export async function outboxCommand(config: Config, extra: Record<string, string | true>, write: (s: string) => void): Promise<number> {
  const to = typeof extra['--to'] === 'string' ? extra['--to'] : undefined;
  if (extra['--to'] === true) throw new OutboxCommandError('--to needs an address: --to ADDRESS');
  const limit = extra['--limit'] === undefined ? 10 : Number(extra['--limit']);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new OutboxCommandError('--limit: expected a whole number from 1 to 1000');
  const creds = adminCredentials(config);
  const first = await fetchOutbox(config, creds, to, limit);
  const seen = new Set(first.map(keyOf));
  if (!first.length && !extra['--follow']) write(`no messages${to ? ` to ${to}` : ''} in the outbox\n`);
  for (const m of first.reverse()) write(formatMessage(m));
  if (!extra['--follow']) return 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const latest = await fetchOutbox(config, creds, to, 100);
    for (const m of latest.filter((x) => !seen.has(keyOf(x))).reverse()) {
      seen.add(keyOf(m));
      write(formatMessage(m));
    }
  }
}
