// The AWS JSON 1.1 edge: POST / with X-Amz-Target → authenticate → validate against the model → one operation.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { InvalidParameterException, SerializationException, ServiceError, UnknownOperationException, awsError } from './errors.ts';
import { devAccess, withholdAdminCors } from './dev-access.ts';
import { sendAwsJsonError, toServiceError } from './error-response.ts';
import type { Operation, OperationContext, ServiceName } from './operation.ts';
import { verifySigV4, type SignedRequest } from './sigv4.ts';
import { authorize, resourceOf } from '../identity-pools/authorize.ts';
import { validateInput, type ServiceModel } from './validate.ts';
import idpModel from './models/cognito-idp.json' with { type: 'json' };
import identityModel from './models/cognito-identity.json' with { type: 'json' };

const UnsupportedOperationException = awsError('UnsupportedOperationException');

export interface JsonService {
  name: ServiceName;
  targetPrefix: string;
  model: ServiceModel;
  operations: Map<string, Operation>;
}

/**
 * Where Cognito accepts more than its published model says. The model's DomainType is the prefix pattern,
 * but Cognito takes a full host name when CustomDomainConfig is given; the domain rules check prefixes.
 */
function idpModelAsServed(): ServiceModel {
  const m = idpModel as unknown as ServiceModel;
  return {
    ...m,
    shapes: { ...m.shapes, DomainType: { type: 'string', min: 1, max: 253, pattern: '^[a-z0-9](?:[a-z0-9.\\-]{0,251}[a-z0-9])?$' } },
  };
}

export function jsonServices(ops: Operation[]): JsonService[] {
  const make = (name: ServiceName, model: ServiceModel): JsonService => ({
    name,
    targetPrefix: model.metadata.targetPrefix as string,
    model,
    operations: new Map(ops.filter((o) => o.service === name).map((o) => [o.name, o])),
  });
  return [make('cognito-idp', idpModelAsServed()), make('cognito-identity', identityModel as unknown as ServiceModel)];
}

export function signedRequestOf(req: FastifyRequest): SignedRequest {
  const url = req.raw.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: req.method,
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? '' : url.slice(q + 1),
    headers: req.headers,
    body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
  };
}

export function decodeBody(body: unknown): Record<string, unknown> {
  const buf = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
  if (buf.length === 0) return {};
  let v: unknown;
  const text = buf.toString('utf8');
  try {
    // AWS treats a null member as absent: drop them (at every depth) so no operation ever sees a null.
    v = text.includes('null') ? JSON.parse(text, dropNullMembers) : JSON.parse(text);
  } catch {
    throw new SerializationException('Unable to parse the request body as JSON.');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new SerializationException('Start of structure or map expected.');
  // No Cognito member means a NUL character, and PostgreSQL text cannot hold one: refuse it for every member.
  if (text.includes('\\u0000') && containsNul(v)) throw new InvalidParameterException('Strings must not contain the NUL character (\\u0000).'); // ours
  return v as Record<string, unknown>;
}

/** JSON.parse reviver: a null object member becomes absent; list elements stay (the validator names them). */
function dropNullMembers(this: unknown, _key: string, value: unknown): unknown {
  return value === null && !Array.isArray(this) ? undefined : value;
}

/** Whether any string or member name holds a NUL; walks with its own stack, so deep nesting cannot overflow the call stack. */
function containsNul(root: unknown): boolean {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const v = pending.pop();
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return true;
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes('\u0000')) return true;
        pending.push(x);
      }
    }
  }
  return false;
}

/** Handles one AWS JSON request; `target` is the X-Amz-Target header. */
export async function handleAwsJson(
  services: JsonService[],
  deps: Deps,
  req: FastifyRequest,
  reply: FastifyReply,
  target: string,
): Promise<FastifyReply> {
  const requestId = deps.random.uuid();
  const dot = target.lastIndexOf('.');
  const prefix = dot < 0 ? '' : target.slice(0, dot);
  const opName = dot < 0 ? target : target.slice(dot + 1);
  const fields = { requestId, target };
  try {
    const service = services.find((s) => s.targetPrefix === prefix);
    if (!service || !Object.hasOwn(service.model.operations, opName))
      throw new UnknownOperationException(`The operation ${target || '(none)'} is not known.`);
    req.operation = { service: service.name, name: opName };
    const op = service.operations.get(opName);
    if (!op) throw new UnsupportedOperationException(`Cognate does not implement ${opName} yet.`);
    const auth = op.auth ?? service.model.operations[opName]!.auth;
    const ctx: OperationContext = { requestId, sourceIp: req.ip, headers: req.headers };
    if (auth === 'sigv4') {
      withholdAdminCors(deps.config, req.headers, reply);
      ctx.principal = await verifySigV4(signedRequestOf(req), {
        resolver: deps.signingKeys,
        region: deps.config.region,
        services: [service.name],
        nowMs: deps.clock.now(),
        // --dev: any key signs, for callers on this machine only (dev-access.ts).
        skipSignatureCheck: devAccess(deps.config, req.headers),
        keyCache: deps.caches.sigv4Keys,
      });
    }
    const input = decodeBody(req.body);
    validateInput(service.model, opName, input);
    // Issued credentials act only as their role's policies allow; the admin key is not restricted.
    if (ctx.principal) await authorize(deps, ctx.principal, `${service.name}:${opName}`, resourceOf(deps, input), req.ip);
    const out = await op.handle(input, deps, ctx);
    return reply
      .status(200)
      .header('content-type', 'application/x-amz-json-1.1')
      .header('x-amzn-requestid', requestId)
      .send(JSON.stringify(out ?? {}));
  } catch (err) {
    const e = toServiceError(err, deps.logger, fields);
    if (e.fault === 'client' && !(err instanceof ServiceError && err.code === 'InternalErrorException'))
      deps.logger.debug('client error', { ...fields, error: e.code, message: e.message });
    return sendAwsJsonError(reply, e, requestId);
  }
}
