// Runs a trigger handler from a local JS/TS module as the Lambda Node.js runtime would: `handler(event, context)`
// returning a promise, or `handler(event, context, callback)` calling back; a context shaped like Lambda's.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { types } from 'node:util';
import { answerTooLarge, MAX_ANSWER_BYTES, TriggerInvokeError, withTimeout } from './outcome.ts';

type Callback = (error?: unknown, result?: unknown) => void;
type Handler = (event: unknown, context: LambdaContext, callback: Callback) => unknown;

/** The members of the Lambda Node.js context object handlers use. */
export interface LambdaContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
  /** Deprecated Lambda APIs that older Cognito examples still call. */
  done(error?: unknown, result?: unknown): void;
  succeed(result?: unknown): void;
  fail(error: unknown): void;
}

/** The function name an ARN ends with (arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]); else the ARN. */
export function functionNameOf(arn: string): string {
  const parts = arn.split(':');
  const i = parts.indexOf('function');
  return i >= 0 && parts[i + 1] ? parts[i + 1]! : arn;
}

/** The runtime's errorMessage for an error it cannot read. */
const UNREADABLE_ERROR =
  'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack';

/**
 * What Lambda's Node.js runtime reports for an error a handler threw or called back with (aws-lambda-nodejs-runtime-
 * interface-client, formatError): an Error's name and message; anything else its typeof and String(); and when even
 * that throws (a getter, a toString that throws, an object without a prototype), errorType "handled" with the
 * runtime's fixed message. Never throws.
 */
export function asFunctionError(e: unknown): TriggerInvokeError {
  try {
    if (e instanceof Error || types.isNativeError(e)) return new TriggerInvokeError('function', String(e.message), String(e.name));
    return new TriggerInvokeError('function', String(e), typeof e);
  } catch {
    return new TriggerInvokeError('function', UNREADABLE_ERROR, 'handled');
  }
}

/** Loaded handler modules, cached per path in this instance (one per runner). */
export class ModuleHandlers {
  private readonly loaded = new Map<string, Promise<Record<string, unknown>>>();

  private load(path: string): Promise<Record<string, unknown>> {
    let p = this.loaded.get(path);
    if (!p) {
      p = import(pathToFileURL(path).href) as Promise<Record<string, unknown>>;
      p.catch(() => this.loaded.delete(path));
      this.loaded.set(path, p);
    }
    return p;
  }

  async invoke(path: string, name: string, arn: string, event: object, timeoutMs: number): Promise<unknown> {
    let mod: Record<string, unknown>;
    try {
      mod = await this.load(path);
    } catch (e) {
      // The module may throw anything at its top level; only asFunctionError's reading of it is safe.
      throw new TriggerInvokeError('unreachable', `cannot load ${path}: ${asFunctionError(e).message}`);
    }
    // A CommonJS module's exports arrive as `default` when Node cannot name them.
    const fn = (mod[name] ?? (mod.default as Record<string, unknown> | undefined)?.[name]) as Handler | undefined;
    if (typeof fn !== 'function') throw new TriggerInvokeError('unreachable', `${path} exports no function ${name}`);

    const deadline = Date.now() + timeoutMs;
    const fnName = functionNameOf(arn);
    // The handler gets its own copy, as it would over the wire, and may change it freely.
    const input = JSON.parse(JSON.stringify(event)) as unknown;
    const run = new Promise<unknown>((resolve, reject) => {
      // Whatever the handler does, this settles once and nothing here throws: the first answer wins, later ones
      // (a callback after the promise, a second context.done) are ignored, as the Lambda runtime ignores them.
      let settled = false;
      const succeed = (result: unknown) => {
        if (settled) return;
        settled = true;
        resolve(result);
      };
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        reject(asFunctionError(error));
      };
      // Node-style: a null or undefined error is success.
      const finish: Callback = (error, result) => (error !== undefined && error !== null ? fail(error) : succeed(result));
      const context: LambdaContext = {
        functionName: fnName,
        functionVersion: '$LATEST',
        invokedFunctionArn: arn,
        memoryLimitInMB: '128',
        awsRequestId: randomUUID(),
        logGroupName: `/aws/lambda/${fnName}`,
        logStreamName: 'cognate',
        callbackWaitsForEmptyEventLoop: true,
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
        done: finish,
        succeed: (result) => succeed(result),
        // As the runtime's context.fail: no error is the string "handled".
        fail: (error) => fail(error ?? 'handled'),
      };
      try {
        const out = fn(input, context, finish);
        // A promise (async handler) answers; otherwise the handler calls back. Promise.resolve adopts a thenable
        // without calling its `then` here, so a `then` that throws is a rejection, not an exception.
        if (out && typeof (out as Promise<unknown>).then === 'function') Promise.resolve(out).then(succeed, fail);
      } catch (e) {
        // A throw or a rejection is a failure whatever its value: `throw null` reports errorType "object" and
        // errorMessage "null", as the current runtime (try { await handler() } catch → formatError) does.
        fail(e);
      }
    });
    const result = await withTimeout(run, timeoutMs);
    // Over the wire the result is JSON: undefined becomes null, and what JSON cannot carry is dropped; what is larger
    // than Lambda's response quota is refused, as it would be over the wire.
    if (result === undefined) return null;
    let json: string;
    try {
      json = JSON.stringify(result);
    } catch {
      throw new TriggerInvokeError('invalid-response', 'the handler result cannot be serialised as JSON');
    }
    if (json === undefined) throw new TriggerInvokeError('invalid-response', 'the handler result cannot be serialised as JSON');
    if (Buffer.byteLength(json, 'utf8') > MAX_ANSWER_BYTES) throw answerTooLarge();
    return JSON.parse(json) as unknown;
  }
}
