// Test support: the three ways Cognate reaches a trigger function, each set up around the same handler files in
// test/support/lambda/ — a module file (copied into a temp dir and mapped there), an HTTP server that answers the
// event, and a Lambda-Invoke-compatible server (SigV4-checked, X-Amz-Function-Error on a throw) behind
// COGNATE_LAMBDA_ENDPOINT. The servers run the handlers in this process, as Lambda's Node.js runtime would.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Config } from '../../src/config/schema.ts';
import { verifySigV4 } from '../../src/protocol/sigv4.ts';

export type LambdaKind = 'module' | 'http' | 'invoke';
export const LAMBDA_KINDS: LambdaKind[] = ['module', 'http', 'invoke'];

export const FIXTURE_DIR = fileURLToPath(new URL('./lambda/', import.meta.url));
export const TEST_REGION = 'us-east-1';

/** The ARN of a fixture function: `<file>` runs export `handler`, `<file>.<export>` that export. */
export const arnOf = (fn: string) => `arn:aws:lambda:${TEST_REGION}:123456789012:function:${fn.replace('.', '-')}`;

function fileAndExport(fn: string): { file: string; name: string } {
  const [file, name] = fn.split('.');
  return { file: `${file}.mjs`, name: name ?? 'handler' };
}

/** Events the fixture handlers saw (they push to globalThis.__lambdaEvents). */
export function lambdaEvents(): any[] {
  return ((globalThis as { __lambdaEvents?: any[] }).__lambdaEvents ??= []);
}

export type HandlerOutcome = { ok: true; result: unknown } | { ok: false; errorMessage: string; errorType: string };

/** Runs a fixture handler as Lambda's Node.js runtime does: a returned promise answers, else the callback does. */
export async function runFixture(fn: string, event: unknown): Promise<HandlerOutcome> {
  const { file, name } = fileAndExport(fn);
  const mod = (await import(pathToFileURL(join(FIXTURE_DIR, file)).href)) as Record<string, Function>;
  try {
    const result = await new Promise<unknown>((resolve, reject) => {
      const cb = (err: unknown, res: unknown) => (err ? reject(err) : resolve(res));
      const ctx = { functionName: fn, awsRequestId: 'test', getRemainingTimeInMillis: () => 5000, succeed: (r: unknown) => resolve(r) };
      const out = mod[name]!(event, ctx, cb);
      if (out && typeof out.then === 'function') out.then(resolve, reject);
    });
    return { ok: true, result: result ?? null };
  } catch (e) {
    return e instanceof Error ? { ok: false, errorMessage: e.message, errorType: e.name } : { ok: false, errorMessage: String(e), errorType: typeof e };
  }
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

/** An HTTP endpoint per function: POST /<fn> with the event; 200 and the result, or 500 and Lambda's error body. */
export async function startHttpHandlers(): Promise<{ url(fn: string): string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const fn = decodeURIComponent((req.url ?? '/').slice(1));
    const out = await runFixture(fn, JSON.parse((await bodyOf(req)).toString('utf8')));
    res.writeHead(out.ok ? 200 : 500, { 'content-type': 'application/json' });
    res.end(JSON.stringify(out.ok ? out.result : { errorMessage: out.errorMessage, errorType: out.errorType }));
  });
  const base = await listen(server);
  return { url: (fn) => `${base}/${encodeURIComponent(fn)}`, close: () => close(server) };
}

export interface LambdaApiServer {
  endpoint: string;
  /** Every call received: the FunctionName as decoded and the headers. */
  calls: { functionName: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

/**
 * A Lambda Invoke API: POST /2015-03-31/functions/{FunctionName}/invocations, SigV4 (service lambda) by `key`.
 * FunctionName is a fixture's ARN (arnOf); unknown → 404 ResourceNotFoundException; a bad signature → 403; a handler
 * error → 200 with X-Amz-Function-Error: Unhandled and {"errorMessage","errorType"}, as Lambda answers.
 */
export async function startLambdaApi(key: { accessKeyId: string; secretAccessKey: string }, functions: string[]): Promise<LambdaApiServer> {
  const byArn = new Map(functions.map((fn) => [arnOf(fn), fn]));
  const calls: LambdaApiServer['calls'] = [];
  const server = createServer(async (req, res) => {
    const body = await bodyOf(req);
    const [path, query = ''] = (req.url ?? '/').split('?') as [string, string?];
    const refuse = (status: number, type: string, message: string) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
      res.end(JSON.stringify({ Type: 'User', message }));
    };
    try {
      await verifySigV4(
        { method: req.method ?? 'POST', path, query, headers: req.headers, body },
        {
          resolver: { resolve: async (id) => (id === key.accessKeyId ? { secretAccessKey: key.secretAccessKey } : null) },
          region: TEST_REGION,
          services: ['lambda'],
          nowMs: Date.now(),
        },
      );
    } catch (e) {
      return refuse(403, (e as Error).name, (e as Error).message);
    }
    const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(path);
    if (req.method !== 'POST' || !m) return refuse(404, 'UnknownOperationException', 'Unknown operation');
    const functionName = decodeURIComponent(m[1]!);
    calls.push({ functionName, headers: req.headers });
    const fn = byArn.get(functionName);
    if (!fn) return refuse(404, 'ResourceNotFoundException', `Function not found: ${functionName}`);
    const out = await runFixture(fn, JSON.parse(body.toString('utf8')));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' };
    if (!out.ok) headers['x-amz-function-error'] = 'Unhandled';
    res.writeHead(200, headers);
    res.end(JSON.stringify(out.ok ? out.result : { errorMessage: out.errorMessage, errorType: out.errorType }));
  });
  return { endpoint: await listen(server), calls, close: () => close(server) };
}

/**
 * Cognate configuration that runs `functions` (fixture names, see arnOf) through `kind`: a mapping file of module
 * copies, a mapping file of HTTP URLs, or COGNATE_LAMBDA_ENDPOINT at a Lambda Invoke API signed by `admin`.
 */
export async function triggerSetup(
  kind: LambdaKind,
  admin: { accessKeyId: string; secretAccessKey: string },
  functions: string[],
): Promise<{ config: Partial<Config>; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'cognate-triggers-'));
  const mappingFile = join(dir, 'triggers.json');
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  if (kind === 'module') {
    const mapping: Record<string, unknown> = {};
    for (const fn of functions) {
      const { file, name } = fileAndExport(fn);
      copyFileSync(join(FIXTURE_DIR, file), join(dir, file));
      mapping[arnOf(fn)] = { module: `./${file}`, handler: name };
    }
    writeFileSync(mappingFile, JSON.stringify(mapping));
    return { config: { triggersFile: mappingFile }, close: async () => removeDir() };
  }
  if (kind === 'http') {
    const http = await startHttpHandlers();
    writeFileSync(mappingFile, JSON.stringify(Object.fromEntries(functions.map((fn) => [arnOf(fn), { url: http.url(fn) }]))));
    return { config: { triggersFile: mappingFile }, close: async () => (await http.close(), removeDir()) };
  }
  const api = await startLambdaApi(admin, functions);
  return { config: { lambdaEndpoint: api.endpoint }, close: async () => (await api.close(), removeDir()) };
}
