// The trigger runner port: invokes a Lambda function ARN with an event and returns the handler's result. An ARN
// resolves, by the mapping file (--triggers), to a local module, an HTTP endpoint or a Lambda Invoke API; every other
// ARN goes to COGNATE_LAMBDA_ENDPOINT (CONTRACT.md), signed by the admin key.
//
// Mapping file: a JSON object whose keys are function ARNs (exact, or ending in `*` to match every ARN with that
// prefix; the longest prefix wins) and whose values are one of
//   { "module": "./handlers/pre-sign-up.mjs", "handler"?: "handler" }   relative to the mapping file's directory
//   { "url": "http://127.0.0.1:8080/pre-sign-up" }                       POST the event, the body answers it
//   { "lambda": { "endpoint": "http://…", "region"?, "accessKeyId"?, "secretAccessKey"?, "sessionToken"? } }
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../config/load.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import { invokeHttp } from './lambda/http.ts';
import { invokeLambdaApi, type LambdaApiTarget } from './lambda/invoke.ts';
import { ModuleHandlers } from './lambda/module.ts';
import { TriggerInvokeError } from './lambda/outcome.ts';

export { TriggerInvokeError, type TriggerFailure } from './lambda/outcome.ts';

/** Cognito waits 5 seconds for a trigger (developer guide, "Customizing user pool workflows with Lambda triggers"). */
export const TRIGGER_TIMEOUT_MS = 5000;

export interface InvokeOptions {
  /** Defaults to TRIGGER_TIMEOUT_MS. */
  timeoutMs?: number;
  /**
   * Event: the caller does not want the answer (custom senders). A Lambda Invoke API is called with
   * X-Amz-Invocation-Type Event and the invocation resolves to null once it is accepted; other targets run as usual.
   */
  invocationType?: 'RequestResponse' | 'Event';
}

export interface TriggerRunner {
  /**
   * Invokes the function with the event; resolves to the handler's result as parsed JSON (null when it returned
   * nothing). Throws TriggerInvokeError.
   */
  invoke(arn: string, event: object, opts?: InvokeOptions): Promise<unknown>;
}

export type TriggerTarget =
  | { module: string; handler?: string }
  | { url: string }
  | { lambda: { endpoint: string; region?: string; accessKeyId?: string; secretAccessKey?: string; sessionToken?: string } };

export interface TriggerRunnerOptions {
  /** ARN (or `prefix*`) → target; module paths relative to `baseDir`. */
  mappings?: Record<string, TriggerTarget>;
  baseDir?: string;
  /** COGNATE_LAMBDA_ENDPOINT: where unmapped ARNs go. */
  lambdaEndpoint?: string;
  /** Region for signing when the ARN names none. */
  region: string;
  /** Signs calls to lambdaEndpoint (and mapped Lambda APIs without their own key). */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  clock: Clock;
  logger?: Logger;
}

/** A bad mapping file: reported at start-up like any other configuration error. */
export class TriggerConfigError extends ConfigError {}

/** Reads and checks the mapping file (--triggers / COGNATE_TRIGGERS_FILE). */
export function loadTriggerMappings(path: string): { mappings: Record<string, TriggerTarget>; baseDir: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new TriggerConfigError(`--triggers ${path}: ${(e as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new TriggerConfigError(`--triggers ${path}: expected a JSON object of ARN → target`);
  const mappings: Record<string, TriggerTarget> = {};
  for (const [arn, t] of Object.entries(raw as Record<string, unknown>)) {
    const v = t as Record<string, unknown> | null;
    const ok =
      v &&
      typeof v === 'object' &&
      ((typeof v.module === 'string' && (v.handler === undefined || typeof v.handler === 'string')) ||
        typeof v.url === 'string' ||
        (v.lambda && typeof v.lambda === 'object' && typeof (v.lambda as { endpoint?: unknown }).endpoint === 'string'));
    if (!ok) throw new TriggerConfigError(`--triggers ${path}: ${arn}: expected {"module"}, {"url"} or {"lambda": {"endpoint"}}`);
    mappings[arn] = v as TriggerTarget;
  }
  return { mappings, baseDir: dirname(resolve(path)) };
}

/** The region an ARN names (arn:aws:lambda:REGION:ACCOUNT:function:NAME), if any. */
export function regionOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts[0] === 'arn' && parts[3] ? parts[3] : undefined;
}

/** The runner: one per process (deps.triggers); loaded modules are cached in it. */
export function makeTriggerRunner(o: TriggerRunnerOptions): TriggerRunner {
  const mappings = o.mappings ?? {};
  const exact = new Map(Object.entries(mappings).filter(([k]) => !k.endsWith('*')));
  const patterns = Object.entries(mappings)
    .filter(([k]) => k.endsWith('*'))
    .map(([k, t]) => [k.slice(0, -1), t] as const)
    .sort((a, b) => b[0].length - a[0].length);
  const modules = new ModuleHandlers();
  const baseDir = o.baseDir ?? process.cwd();

  function targetOf(arn: string): TriggerTarget | undefined {
    return exact.get(arn) ?? patterns.find(([prefix]) => arn.startsWith(prefix))?.[1];
  }

  function apiTarget(endpoint: string, t: Partial<LambdaApiTarget>, arn: string): LambdaApiTarget {
    return {
      endpoint,
      region: t.region ?? regionOfArn(arn) ?? o.region,
      accessKeyId: t.accessKeyId ?? o.credentials.accessKeyId,
      secretAccessKey: t.secretAccessKey ?? o.credentials.secretAccessKey,
      sessionToken: t.accessKeyId ? t.sessionToken : (t.sessionToken ?? o.credentials.sessionToken),
    };
  }

  return {
    async invoke(arn, event, opts = {}) {
      const timeoutMs = opts.timeoutMs ?? TRIGGER_TIMEOUT_MS;
      const t = targetOf(arn);
      const started = o.clock.now();
      try {
        if (t && 'module' in t) {
          const path = isAbsolute(t.module) ? t.module : resolve(baseDir, t.module);
          return await modules.invoke(path, t.handler ?? 'handler', arn, event, timeoutMs);
        }
        if (t && 'url' in t) return await invokeHttp(t.url, event, timeoutMs);
        if (t && 'lambda' in t) return await invokeLambdaApi(apiTarget(t.lambda.endpoint, t.lambda, arn), arn, event, timeoutMs, o.clock, opts.invocationType);
        if (o.lambdaEndpoint) return await invokeLambdaApi(apiTarget(o.lambdaEndpoint, {}, arn), arn, event, timeoutMs, o.clock, opts.invocationType);
        throw new TriggerInvokeError('not-configured', `no trigger mapping for ${arn} and no COGNATE_LAMBDA_ENDPOINT`);
      } catch (e) {
        const err = e instanceof TriggerInvokeError ? e : new TriggerInvokeError('unreachable', e instanceof Error ? e.message : String(e));
        // The whole detail is logged here; callers get only the kind and, for an Invoke API refusal, its error name.
        o.logger?.warn('trigger failed', { arn, kind: err.kind, error: err.message, errorType: err.errorType, ms: o.clock.now() - started });
        throw err;
      }
    },
  };
}
