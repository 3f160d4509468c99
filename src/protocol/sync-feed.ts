// GET /_cognate/sync/feed?IdentityPoolId=…&IdentityId=…&DeviceId=…: the Cognito Sync change feed of one registered
// device, as Server-Sent Events (push instead of SNS; sync/feed.ts carries the changes between processes).
//
// Auth: a SigV4 signature for service cognito-sync, in the Authorization header or presigned in the query (the form a
// browser's EventSource can send): identity credentials only for their own identity (their role's policy must allow
// cognito-sync:SubscribeToDataset), the admin key for any; in --dev any key, as for the other sync calls. The device
// must be one RegisterDevice gave this identity. Refusals, before the stream opens, are the sync API's JSON errors
// (NotAuthorizedException 403, ResourceNotFoundException 404, InvalidParameterException 400, …).
//
// The stream: `event: ready` (data {deviceId}) once listening, then `event: change` with data
// {identityPoolId, identityId, datasetName, syncCount, deviceId} for each UpdateRecords on a dataset the device is
// subscribed to (at the time of the change; deviceId is the device that made it, or null); a `: heartbeat` comment
// every 15 s; `retry: 1000` so that an EventSource reconnects within a second. Changes made while a device is not
// connected are not replayed: on (re)connect, a client syncs with ListRecords. On SIGTERM each stream is ended.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { Deps } from '../deps.ts';
import { authorize } from '../identity-pools/authorize.ts';
import { requireIdentityAccess, syncResource } from '../sync/access.ts';
import { identityOfPool } from '../sync/datasets.ts';
import { changeFeedOf, type SyncChange } from '../sync/feed.ts';
import { deviceNotFound } from '../sync/operations/push.ts';
import { InvalidParameterException, LimitExceededException } from '../sync/errors.ts';
import { sendAwsJsonError, toServiceError } from './error-response.ts';
import type { OperationContext } from './operation.ts';
import { syncSigner } from './rest-json.ts';

export const SYNC_FEED_PATH = '/_cognate/sync/feed';
export const HEARTBEAT_MS = 15_000;
/** Open feeds one identity may hold in one server process (ours: its devices and tabs; more is refused). */
export const MAX_FEEDS_PER_IDENTITY = 16;
const ID = /^[\w-]+:[0-9a-f-]+$/;

function param(query: unknown, name: string, ok: (v: string) => boolean): string {
  const v = (query as Record<string, unknown>)[name];
  if (typeof v !== 'string' || !ok(v)) throw new InvalidParameterException(`${name} is missing or malformed.`); // ours
  return v;
}

export function registerSyncFeed(app: FastifyInstance, deps: Deps): void {
  const open = new Set<ServerResponse>();
  /** open feeds per identity, in this process */
  const perIdentity = new Map<string, number>();
  const release = (identityId: string) => {
    const n = (perIdentity.get(identityId) ?? 1) - 1;
    if (n > 0) perIdentity.set(identityId, n);
    else perIdentity.delete(identityId);
  };
  // Streams never end by themselves: end them when the server stops, so that it can.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });
  app.get(SYNC_FEED_PATH, async (req, reply) => {
    const requestId = deps.random.uuid();
    let stop: (() => void) | undefined;
    let held: string | undefined;
    try {
      const poolId = param(req.query, 'IdentityPoolId', (v) => v.length <= 55 && ID.test(v));
      const identityId = param(req.query, 'IdentityId', (v) => v.length <= 55 && ID.test(v));
      const deviceId = param(req.query, 'DeviceId', (v) => v.length >= 1 && v.length <= 256);
      const ctx: OperationContext = { requestId, sourceIp: req.ip, headers: req.headers };
      ctx.principal = await syncSigner(deps, req);
      await authorize(deps, ctx.principal, 'cognito-sync:SubscribeToDataset', syncResource(deps, { IdentityPoolId: poolId, IdentityId: identityId }), req.ip);
      requireIdentityAccess(ctx, poolId, identityId);
      await identityOfPool(deps, poolId, identityId);
      if (!(await deps.store.syncDevices.get(identityId, deviceId))) throw deviceNotFound(deviceId);
      // Each feed holds a connection for as long as the client likes: an identity gets a few, not the server's all.
      const count = perIdentity.get(identityId) ?? 0;
      if (count >= MAX_FEEDS_PER_IDENTITY) throw new LimitExceededException(`An identity may have at most ${MAX_FEEDS_PER_IDENTITY} open change feeds.`); // ours
      perIdentity.set(identityId, count + 1);
      held = identityId;
      // Listening before the stream says ready: a change made after `ready` is never missed.
      const res = reply.raw;
      const send = (text: string) => void (res.writableEnded || res.write(text));
      const onChange = (c: SyncChange) => {
        if (c.identityPoolId !== poolId || c.identityId !== identityId) return;
        deps.store.syncDevices.isSubscribed(identityId, deviceId, c.datasetName).then(
          (yes) => yes && send(`event: change\ndata: ${JSON.stringify(c)}\n\n`),
          (e: unknown) => deps.logger.warn('sync feed: could not read a subscription', { error: String(e) }),
        );
      };
      stop = await changeFeedOf(deps).listen(onChange);
      reply.hijack();
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-amzn-requestid': requestId,
      });
      send(`retry: 1000\nevent: ready\ndata: ${JSON.stringify({ deviceId })}\n\n`);
      open.add(res);
      const heartbeat = setInterval(() => send(': heartbeat\n\n'), HEARTBEAT_MS);
      const end = stop;
      let ended = false;
      const cleanup = () => {
        if (ended) return;
        ended = true;
        clearInterval(heartbeat);
        open.delete(res);
        end();
        release(identityId);
      };
      res.on('close', cleanup);
      if (res.destroyed || req.raw.socket.destroyed) cleanup(); // the client left while the feed was being set up
      return reply;
    } catch (err) {
      stop?.();
      if (held !== undefined) release(held);
      return sendAwsJsonError(reply as FastifyReply, toServiceError(err, deps.logger, { requestId, path: SYNC_FEED_PATH }), requestId, 'application/json');
    }
  });
}
