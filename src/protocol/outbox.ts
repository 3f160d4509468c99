// GET /_cognate/outbox?to=ADDRESS: the kept messages (those no transport delivered; every one in --dev mode) whose code
// has not expired, newest first, for tests and operators.
//
// Answer: {"messages":[{"to","subject","body","sentAt","channel","delivery"}…]}. `sentAt` is an ISO-8601 string
// (UTC, milliseconds); `subject` is null for SMS; `delivery` is 'sent', 'outbox-only' or 'failed: …'.
// Without `to` every message is listed. `limit` (1–1000, default 100) caps the list.
//
// Auth (CONTRACT.md): a SigV4 signature by the admin key for service cognito-idp in the configured region; in
// --dev mode also unsigned from this machine, never from a foreign web origin (dev-access.ts). Refusals use the AWS
// error names (MissingAuthenticationTokenException 403, …).
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { readOutbox } from '../runtime/delivery.ts';
import { signedRequestOf } from './aws-json.ts';
import { devAccess, isLoopbackPeer, withholdAdminCors } from './dev-access.ts';
import { sendAwsJsonError, toServiceError } from './error-response.ts';
import { AccessDeniedException, InvalidParameterException } from './errors.ts';
import { verifySigV4 } from './sigv4.ts';

export const OUTBOX_PATH = '/_cognate/outbox';
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

export function registerOutbox(app: FastifyInstance, deps: Deps): void {
  app.get(OUTBOX_PATH, async (req, reply) => {
    const requestId = deps.random.uuid();
    try {
      withholdAdminCors(deps.config, req.headers, reply);
      // Unsigned in --dev only from this machine (CONTRACT.md): Host and Origin say whose page it is, but any caller
      // can write those, so the connection itself must be a loopback one.
      if (!(devAccess(deps.config, req.headers) && isLoopbackPeer(req.socket.remoteAddress))) {
        const principal = await verifySigV4(signedRequestOf(req), {
          resolver: deps.signingKeys,
          region: deps.config.region,
          services: ['cognito-idp'],
          nowMs: deps.clock.now(),
          keyCache: deps.caches.sigv4Keys,
        });
        // Other keys the resolver knows (temporary identity credentials) do not open the outbox.
        if (principal.accessKeyId !== deps.admin.accessKeyId)
          throw new AccessDeniedException('Only the admin key may read the outbox.');
      }
      const query = req.query as Record<string, string | string[] | undefined>;
      const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
      const to = one(query.to);
      const rawLimit = one(query.limit);
      const limit = rawLimit === undefined ? DEFAULT_LIMIT : Number(rawLimit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
        throw new InvalidParameterException(`limit must be a whole number from 1 to ${MAX_LIMIT}.`);
      const messages = await readOutbox(deps, to === undefined || to === '' ? undefined : to, limit);
      return reply
        .status(200)
        .header('content-type', 'application/json')
        .header('x-amzn-requestid', requestId)
        .send(
          JSON.stringify({
            messages: messages.map((m) => ({
              to: m.to,
              subject: m.subject,
              body: m.body,
              sentAt: new Date(m.sentAt).toISOString(),
              channel: m.channel,
              delivery: m.delivery,
            })),
          }),
        );
    } catch (err) {
      return sendAwsJsonError(reply, toServiceError(err, deps.logger, { requestId, url: OUTBOX_PATH }), requestId);
    }
  });
}
