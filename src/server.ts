// buildServer(deps): registers every edge on one Fastify instance; tests use inject() or listen on port 0.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Deps } from './deps.ts';
import { handleAwsJson, jsonServices } from './protocol/aws-json.ts';
import { sendAwsJsonError } from './protocol/error-response.ts';
import { clientErrorHandler } from './protocol/client-error.ts';
import { RequestEntityTooLargeException, SerializationException, UnknownOperationException } from './protocol/errors.ts';
import { allOperations } from './operations.ts';
import { registerWellKnown } from './oauth/endpoints/well-known.ts';
import { registerTokenEndpoint } from './oauth/endpoints/token.ts';
import { registerRevokeEndpoint } from './oauth/endpoints/revoke.ts';
import { registerUserInfoEndpoint } from './oauth/endpoints/userinfo.ts';
import { registerOutbox } from './protocol/outbox.ts';
import { registerAuthorizeEndpoint } from './protocol/authorize-endpoint.ts';
import { registerIdentityOpenId } from './identity-pools/openid.ts';
import { handleQuery, isQueryRequest } from './protocol/query.ts';
import { queryOperations } from './identity-pools/operations/query-operations.ts';
import { registerMetrics } from './protocol/metrics.ts';
import { registerRestJson } from './protocol/rest-json.ts';
import { registerSyncFeed } from './protocol/sync-feed.ts';
import { registerObserver } from './protocol/observe.ts';

const EXPOSE = 'x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date';

export function buildServer(deps: Deps): FastifyInstance {
  const app: FastifyInstance = Fastify({
    // Fastify logs through the one pino logger; its own per-request lines are off (observe.ts writes one line a
    // request, without the URL's query), and no child logger is made per request.
    ...(deps.logger.pino ? { loggerInstance: deps.logger.pino as FastifyBaseLogger, childLoggerFactory: (logger: FastifyBaseLogger) => logger } : { logger: false }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.config.bodyLimit,
    trustProxy: false,
    return503OnClosing: true,
    clientErrorHandler,
  });
  const services = jsonServices(allOperations);
  registerObserver(app, deps);
  // Cognito Streams' connections (NATS, Redis) end with the server.
  app.addHook('onClose', async () => deps.streams.close());

  // Every edge decodes its own body (JSON, form, …) from the raw bytes; SigV4 needs them untouched.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // Browser clients (amazon-cognito-identity-js, Amplify) need CORS on every API.
  app.addHook('onRequest', async (req, reply) => {
    reply.header('access-control-allow-origin', req.headers.origin ?? '*');
    reply.header('access-control-expose-headers', EXPOSE);
    if (req.headers.origin) reply.header('vary', 'Origin');
  });
  app.options('*', async (req, reply) => {
    reply
      .header('access-control-allow-methods', 'POST, GET, PUT, DELETE, OPTIONS')
      .header('access-control-allow-headers', req.headers['access-control-request-headers'] ?? '*')
      .header('access-control-max-age', '86400')
      .status(200)
      .send();
  });

  app.get('/health', async () => ({ status: 'ok' }));

  app.post('/', async (req, reply) => {
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') return handleAwsJson(services, deps, req, reply, target);
    if (isQueryRequest(req)) return handleQuery(queryOperations, deps, req, reply);
    return sendAwsJsonError(reply, new UnknownOperationException('Missing X-Amz-Target header.'), deps.random.uuid());
  });

  registerRestJson(app, deps, allOperations);
  registerWellKnown(app, deps);
  registerTokenEndpoint(app, deps);
  registerRevokeEndpoint(app, deps);
  registerUserInfoEndpoint(app, deps);
  registerIdentityOpenId(app, deps);
  registerOutbox(app, deps);
  registerSyncFeed(app, deps);
  registerAuthorizeEndpoint(app, deps);
  registerMetrics(app, deps);

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    const requestId = deps.random.uuid();
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return sendAwsJsonError(reply, new RequestEntityTooLargeException(`Request body is larger than ${deps.config.bodyLimit} bytes.`), requestId);
    if (err.statusCode && err.statusCode < 500)
      return sendAwsJsonError(reply, new SerializationException(err.message), requestId);
    deps.logger.error('unexpected error', { requestId, path: req.url.split('?')[0], error: err.stack ?? String(err) });
    return reply.status(500).send({ __type: 'InternalErrorException', message: 'Internal server error.' });
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).header('content-type', 'application/json').send({ __type: 'NotFound', message: `No route for ${req.method} ${req.url.split('?')[0]}` });
  });
  return app;
}
