// GET /metrics: Prometheus text format (prom-client), the sum over every worker when there are several.
//
// Who may scrape: a caller on this machine (a loopback peer address, a Host naming this server and no foreign web
// Origin, as for --dev: a page in a browser cannot read it), and, when COGNATE_METRICS_TOKEN is set, anyone sending
// `Authorization: Bearer TOKEN` (a Prometheus elsewhere: `authorization: {credentials_file: …}`). Others get
// 403 AccessDeniedException. The answer never gets a CORS grant.
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { hostIsLocal, isLoopbackPeer, originIsLocal } from './dev-access.ts';
import { sendAwsJsonError } from './error-response.ts';
import { AccessDeniedException } from './errors.ts';

export const METRICS_PATH = '/metrics';

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function bearerMatches(req: FastifyRequest, token: string | undefined): boolean {
  const auth = req.headers.authorization;
  if (!token || typeof auth !== 'string' || !auth.startsWith('Bearer ')) return false;
  return timingSafeEqual(digest(auth.slice(7).trim()), digest(token));
}

/** Whether this request may read the metrics. */
export function mayScrape(deps: Pick<Deps, 'config'>, req: FastifyRequest): boolean {
  if (bearerMatches(req, deps.config.metricsToken)) return true;
  return isLoopbackPeer(req.socket.remoteAddress) && hostIsLocal(deps.config, req.headers) && originIsLocal(deps.config, req.headers);
}

export function registerMetrics(app: FastifyInstance, deps: Deps): void {
  app.get(METRICS_PATH, async (req, reply) => {
    reply.removeHeader('access-control-allow-origin');
    reply.removeHeader('access-control-expose-headers');
    if (!mayScrape(deps, req))
      return sendAwsJsonError(
        reply,
        new AccessDeniedException('Metrics are served to callers on this machine, or with Authorization: Bearer COGNATE_METRICS_TOKEN.'),
        deps.random.uuid(),
      );
    let text: string;
    try {
      text = await deps.metrics.exposition();
    } catch (e) {
      // A worker whose primary could not collect the others' metrics (one stopped answering): say so, 503.
      deps.logger.warn('metrics not collected', { error: e instanceof Error ? e.message : String(e) });
      return reply.status(503).header('content-type', 'text/plain; charset=utf-8').send('metrics could not be collected from every worker; try again\n');
    }
    return reply.status(200).header('content-type', deps.metrics.contentType).send(text);
  });
}
