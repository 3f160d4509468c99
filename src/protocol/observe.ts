// Every answered request: one log line (request id, service, operation, status, duration) and its metrics.
//
// The line carries what the code knows, never what the caller sent: no URL query, header or body (they may hold
// passwords, codes, tokens, signatures). Routes other than the AWS JSON APIs are named by their pattern
// (`GET /:userPoolId/.well-known/jwks.json`), so neither the log nor a metric label grows with the caller's input.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';

/** The AWS operation a request named, once the edge resolved it against its model. */
export interface ResolvedOperation {
  service: string;
  name: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    operation: ResolvedOperation | null;
  }
}

const REQUEST_ID = 'x-amzn-requestid';

function operationOf(req: FastifyRequest): ResolvedOperation {
  if (req.operation) return req.operation;
  if (req.method === 'POST' && req.headers['x-amz-target'] !== undefined) return { service: 'aws-json', name: 'unknown' };
  const route = req.routeOptions.url;
  return { service: 'http', name: route ? `${req.method} ${route}` : 'unmatched' };
}

function outcomeOf(reply: FastifyReply): string {
  if (reply.statusCode < 400) return 'success';
  const type = reply.getHeader('x-amzn-errortype');
  if (typeof type === 'string' && type) {
    const colon = type.indexOf(':');
    return colon < 0 ? type : type.slice(0, colon);
  }
  return `http_${reply.statusCode}`;
}

export function registerObserver(app: FastifyInstance, deps: Deps): void {
  app.decorateRequest('operation', null);
  // Every answer carries a request id, as the AWS JSON ones already do; the log line names it.
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (!reply.hasHeader(REQUEST_ID)) reply.header(REQUEST_ID, deps.random.uuid());
    done(null, payload);
  });
  app.addHook('onResponse', (req, reply, done) => {
    const op = operationOf(req);
    const ms = reply.elapsedTime;
    const outcome = outcomeOf(reply);
    deps.metrics.request(op.service, op.name, outcome, ms / 1000);
    deps.logger.info('request', {
      requestId: reply.getHeader(REQUEST_ID),
      service: op.service,
      operation: op.name,
      status: reply.statusCode,
      ...(outcome === 'success' ? {} : { error: outcome }),
      ms: Math.round(ms * 100) / 100,
    });
    done();
  });
}
