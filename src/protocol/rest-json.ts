// The restJson1 edge (Cognito Sync): the model's HTTP bindings route method and path to an operation; the input is
// gathered from the path labels (percent-decoded), the query string, the headers and the JSON body as the model
// places each member; then SigV4 (service cognito-sync), validation against the model, the role's policy for
// issued credentials, the operation, and a JSON answer. Errors carry the model's HTTP status, `x-amzn-ErrorType`
// (which SDK v3's restJson1 deserializer reads first) and `{"__type","message"}`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { authorize } from '../identity-pools/authorize.ts';
import { syncResource } from '../sync/access.ts';
import { decodeBody, signedRequestOf } from './aws-json.ts';
import { devAccess, withholdAdminCors } from './dev-access.ts';
import { sendAwsJsonError, toServiceError } from './error-response.ts';
import { SerializationException, awsError } from './errors.ts';
import type { Operation, OperationContext } from './operation.ts';
import { verifySigV4 } from './sigv4.ts';
import { validateInput, type ServiceModel } from './validate.ts';
import syncModel from './models/cognito-sync.json' with { type: 'json' };

const UnsupportedOperationException = awsError('UnsupportedOperationException');
const UnknownOperationException = awsError('UnknownOperationException', { status: 404 });

const CONTENT_TYPE = 'application/json';
const NUMERIC = new Set(['integer', 'long']);

interface Member {
  name: string;
  location?: 'uri' | 'querystring' | 'header';
  locationName: string;
  numeric: boolean;
}

interface Route {
  name: string;
  method: string;
  /** the path's segments: a literal, or the member a `{Label}` binds */
  segments: (string | { label: string })[];
  members: Member[];
  op?: Operation;
}

function routesOf(model: ServiceModel, ops: Operation[]): Route[] {
  return Object.entries(model.operations).map(([name, o]) => {
    const http = o.http as { method: string; requestUri: string };
    const shape = o.input ? model.shapes[o.input] : { members: {} };
    const members = Object.entries<any>(shape.members ?? {}).map(([m, d]) => ({
      name: m,
      location: d.location,
      locationName: d.locationName ?? m,
      numeric: NUMERIC.has(model.shapes[d.shape]?.type),
    }));
    const path = http.requestUri.split('?')[0]!;
    const segments = path
      .split('/')
      .slice(1)
      .map((s) => (/^\{\w+\}$/.test(s) ? { label: s.slice(1, -1) } : s));
    return { name, method: http.method, segments, members, op: ops.find((x) => x.name === name) };
  });
}

/** The route of a method and raw path, with the path's labels percent-decoded; null when no operation has that path. */
function match(routes: Route[], method: string, rawPath: string): { route: Route; labels: Record<string, string> } | 'method' | null {
  const parts = rawPath.split('/').slice(1);
  let pathKnown = false;
  for (const route of routes) {
    if (route.segments.length !== parts.length) continue;
    const labels: Record<string, string> = {};
    const ok = route.segments.every((seg, i) => {
      const part = parts[i]!;
      if (typeof seg === 'string') return seg === part;
      if (part === '') return false;
      try {
        labels[seg.label] = decodeURIComponent(part);
      } catch {
        throw new SerializationException('Malformed percent-encoding in the request path.');
      }
      return true;
    });
    if (!ok) continue;
    if (route.method !== method) {
      pathKnown = true;
      continue;
    }
    return { route, labels };
  }
  return pathKnown ? 'method' : null;
}

/** A query or header value as the model's member type wants it: integers parsed (else left, for the validator to name). */
function scalar(m: Member, v: string): unknown {
  return m.numeric && /^-?\d{1,16}$/.test(v) ? Number(v) : v;
}

function inputOf(req: FastifyRequest, route: Route, labels: Record<string, string>, query: string): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const params = new URLSearchParams(query);
  const bodyMembers = route.members.filter((m) => !m.location);
  const body = bodyMembers.length ? decodeBody(req.body) : {};
  for (const m of route.members) {
    if (m.location === 'uri') input[m.name] = labels[m.locationName];
    else if (m.location === 'querystring') {
      const v = params.get(m.locationName);
      if (v !== null) input[m.name] = scalar(m, v);
    } else if (m.location === 'header') {
      const v = req.headers[m.locationName.toLowerCase()];
      if (typeof v === 'string') input[m.name] = scalar(m, v);
    } else if (body[m.name] !== undefined) input[m.name] = body[m.name];
  }
  return input;
}

/** The signer of a Cognito Sync request (SigV4, header or presigned, service cognito-sync; in --dev any key). */
export function syncSigner(deps: Deps, req: FastifyRequest) {
  return verifySigV4(signedRequestOf(req), {
    resolver: deps.signingKeys,
    region: deps.config.region,
    services: ['cognito-sync'],
    nowMs: deps.clock.now(),
    skipSignatureCheck: devAccess(deps.config, req.headers),
    keyCache: deps.caches.sigv4Keys,
  });
}

export function registerRestJson(app: FastifyInstance, deps: Deps, ops: Operation[]): void {
  const model = syncModel as unknown as ServiceModel;
  const routes = routesOf(model, ops.filter((o) => o.service === 'cognito-sync'));
  const handler = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const requestId = deps.random.uuid();
    const url = req.raw.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    try {
      const found = match(routes, req.method, rawPath);
      if (found === null) throw new UnknownOperationException(`No Cognito Sync operation has the path ${rawPath.slice(0, 256)}.`); // ours
      if (found === 'method') throw new UnknownOperationException(`No Cognito Sync operation answers ${req.method} on this path.`); // ours
      const { route, labels } = found;
      req.operation = { service: 'cognito-sync', name: route.name };
      if (!route.op) throw new UnsupportedOperationException(`Cognate does not implement ${route.name} yet.`);
      // Every Cognito Sync operation is signed: by the admin key (developer credentials) or by identity credentials.
      withholdAdminCors(deps.config, req.headers, reply);
      const ctx: OperationContext = { requestId, sourceIp: req.ip, headers: req.headers };
      ctx.principal = await syncSigner(deps, req);
      const input = inputOf(req, route, labels, q < 0 ? '' : url.slice(q + 1));
      validateInput(model, route.name, input);
      await authorize(deps, ctx.principal, `cognito-sync:${route.name}`, syncResource(deps, input), req.ip);
      const out = await route.op.handle(input, deps, ctx);
      return reply.status(200).header('content-type', CONTENT_TYPE).header('x-amzn-requestid', requestId).send(JSON.stringify(out ?? {}));
    } catch (err) {
      const e = toServiceError(err, deps.logger, { requestId, path: 'cognito-sync' });
      return sendAwsJsonError(reply, e, requestId, CONTENT_TYPE);
    }
  };
  const methods: ('GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH')[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
  app.route({ method: methods, url: '/identitypools', handler });
  app.route({ method: methods, url: '/identitypools/*', handler });
}
