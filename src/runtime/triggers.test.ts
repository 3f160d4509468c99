// The trigger runner over real modules and real servers: each kind, its failures, the timeout, the mapping file and
// the SigV4 signer (checked by our verifier and byte for byte against the AWS SDK's signer).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import sha256js from '@aws-crypto/sha256-js';
import { systemClock } from './clock.ts';
import { memoryLogger } from './logger.ts';
import { loadTriggerMappings, makeTriggerRunner, TriggerConfigError, TriggerInvokeError, type TriggerRunnerOptions } from './triggers.ts';
import { signRequest } from './lambda/sigv4-sign.ts';
import { invocationUrl } from './lambda/invoke.ts';
import { verifySigV4 } from '../protocol/sigv4.ts';
import { arnOf, FIXTURE_DIR, startHttpHandlers, startLambdaApi } from '../../test/support/lambda-kinds.ts';

const { Sha256 } = sha256js;
const KEY = { accessKeyId: 'AKIDTESTADMIN0000001', secretAccessKey: 'test-admin-secret-key-0000000000000000000' };
const base: TriggerRunnerOptions = { region: 'us-east-1', credentials: KEY, clock: systemClock };
const EVENT = { version: '1', triggerSource: 'PreSignUp_SignUp', request: { userAttributes: { email: 'a@example.com' } }, response: {} };

async function failure(p: Promise<unknown>): Promise<TriggerInvokeError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof TriggerInvokeError, `a TriggerInvokeError, got ${e}`);
    return e;
  }
  throw new Error('expected the invocation to fail');
}

const moduleRunner = (fn: string, handler = 'handler') =>
  makeTriggerRunner({ ...base, baseDir: FIXTURE_DIR, mappings: { [arnOf(fn)]: { module: `./${fn.split('.')[0]}.mjs`, handler } } });

describe('module runner', () => {
  test('an async handler answers with the event it changed (the AWS docs auto-confirm example)', async () => {
    const out = (await moduleRunner('pre-sign-up-auto-confirm').invoke(arnOf('pre-sign-up-auto-confirm'), EVENT)) as any;
    assert.deepEqual(out.response, { autoConfirmUser: true, autoVerifyEmail: true });
    assert.deepEqual(EVENT.response, {}, 'the caller’s event is not changed');
  });

  test('a callback handler: callback(null, event) answers, callback(error) is a function error with its message', async () => {
    const r = moduleRunner('pre-sign-up-domain');
    const ok = (await r.invoke(arnOf('pre-sign-up-domain'), EVENT)) as any;
    assert.equal(ok.request.userAttributes.email, 'a@example.com');
    const e = await failure(r.invoke(arnOf('pre-sign-up-domain'), { ...EVENT, request: { userAttributes: { email: 'a@other.org' } } }));
    assert.equal(e.kind, 'function');
    assert.equal(e.message, 'Email domain not allowed');
    assert.equal(e.errorType, 'Error');
  });

  test('a Lambda-shaped context; context.succeed; a string error; a synchronous throw; no result is null', async () => {
    const arn = arnOf('misbehaving');
    const run = (handler: string) => moduleRunner('misbehaving', handler).invoke(arn, EVENT);
    const info = (await run('contextInfo')) as any;
    assert.equal(info.functionName, 'misbehaving');
    assert.match(info.awsRequestId, /^[0-9a-f-]{36}$/);
    assert.ok(info.remaining > 4000 && info.remaining <= 5000);
    assert.equal(info.waits, true);
    assert.deepEqual(await run('legacyDone'), { legacy: true });
    assert.deepEqual(await run('nothing'), null);
    const s = await failure(run('callbackError'));
    assert.deepEqual([s.kind, s.message], ['function', 'plain string failure']);
    const t = await failure(run('syncThrow'));
    assert.deepEqual([t.kind, t.message, t.errorType], ['function', 'kaput', 'TypeError']);
  });

  test('a handler slower than the timeout is a timeout', async () => {
    const e = await failure(moduleRunner('misbehaving', 'slow').invoke(arnOf('misbehaving'), EVENT, { timeoutMs: 100 }));
    assert.equal(e.kind, 'timeout');
  });

  test('a missing module or export is unreachable', async () => {
    const r = makeTriggerRunner({ ...base, baseDir: FIXTURE_DIR, mappings: { a: { module: './nope.mjs' }, b: { module: './misbehaving.mjs' } } });
    assert.equal((await failure(r.invoke('a', EVENT))).kind, 'unreachable');
    assert.equal((await failure(r.invoke('b', EVENT))).kind, 'unreachable');
  });
});

/** A runner over a module written to a temp dir with `source`; `run(name)` invokes its export `name`. */
function tempModule(source: string): { run(name: string, timeoutMs?: number): Promise<unknown> } {
  const dir = mkdtempSync(join(tmpdir(), 'cognate-handlers-'));
  writeFileSync(join(dir, 'h.mjs'), source);
  const runners = new Map<string, ReturnType<typeof makeTriggerRunner>>();
  return {
    run(name, timeoutMs = 1000) {
      let r = runners.get(name);
      if (!r) runners.set(name, (r = makeTriggerRunner({ ...base, baseDir: dir, mappings: { [`arn:${name}`]: { module: './h.mjs', handler: name } } })));
      return r.invoke(`arn:${name}`, EVENT, { timeoutMs });
    },
  };
}

describe('module runner: hostile handlers', () => {
  const hostile = tempModule(`
    const circular = () => { const o = { a: 1 }; o.self = o; return o; };
    export const rejectBigInt = async () => { throw 10n; };
    export const rejectCircular = async () => { throw circular(); };
    export const throwBigInt = () => { throw 10n; };
    export const callbackCircular = (e, c, cb) => cb(circular());
    export const rejectNoProto = async () => { throw Object.create(null); };
    export const rejectBadToString = async () => { throw { toString() { throw new Error('no'); } }; };
    export const rejectBadMessage = async () => { const e = new Error('x'); Object.defineProperty(e, 'message', { get() { throw new Error('no'); } }); throw e; };
    export const thenThrows = () => ({ then() { throw 10n; } });
    export const thenGetterThrows = () => ({ get then() { throw 10n; } });
    export const twice = (e, c, cb) => { cb(null, { first: true }); cb(new Error('second')); throw 10n; };
    export const resultBigInt = async () => ({ n: 10n });
    export const hugeClaim = async (e) => ({ ...e, response: { claim: 'x'.repeat(7 * 1024 * 1024) } });
    export const bigClaim = async (e) => ({ ...e, response: { claim: 'x'.repeat(1024 * 1024) } });
    export const throwNull = () => { throw null; };
    export const throwUndefined = () => { throw undefined; };
    export const rejectNull = async () => { throw null; };
    export const rejectUndefined = () => Promise.reject(undefined);
    export const failNothing = (e, c) => c.fail();
    export const callbackNull = (e, c, cb) => cb(null, { ok: true });
  `);
  const fails = async (name: string) => failure(hostile.run(name));

  test('an error that cannot be serialised is a function error, as Lambda reads it (typeof, String)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (const name of ['rejectBigInt', 'throwBigInt', 'thenThrows', 'thenGetterThrows']) {
        const e = await fails(name);
        assert.deepEqual([name, e.kind, e.message, e.errorType], [name, 'function', '10', 'bigint']);
      }
      for (const name of ['rejectCircular', 'callbackCircular']) {
        const e = await fails(name);
        assert.deepEqual([name, e.kind, e.message, e.errorType], [name, 'function', '[object Object]', 'object']);
      }
      for (const name of ['rejectNoProto', 'rejectBadToString', 'rejectBadMessage']) {
        const e = await fails(name);
        assert.deepEqual([name, e.kind, e.errorType], [name, 'function', 'handled']);
        assert.match(e.message, /problem while retrieving/);
      }
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('throwing or rejecting with null or undefined is a function error; context.fail() is "handled"', async () => {
    for (const [name, message, type] of [
      ['throwNull', 'null', 'object'],
      ['rejectNull', 'null', 'object'],
      ['throwUndefined', 'undefined', 'undefined'],
      ['rejectUndefined', 'undefined', 'undefined'],
      ['failNothing', 'handled', 'string'],
    ]) {
      const e = await fails(name!);
      assert.deepEqual([name, e.kind, e.message, e.errorType], [name, 'function', message, type]);
    }
    assert.deepEqual(await hostile.run('callbackNull'), { ok: true }, 'callback(null, result) is success');
  });

  test('a result larger than 6 MB serialised is invalid; 1 MB passes', async () => {
    const e = await fails('hugeClaim');
    assert.deepEqual([e.kind, e.message], ['invalid-response', 'the answer is larger than 6291456 bytes']);
    assert.equal(((await hostile.run('bigClaim')) as any).response.claim.length, 1024 * 1024);
  });

  test('the first answer wins; later callbacks and throws are ignored; a result JSON cannot carry is invalid', async () => {
    assert.deepEqual(await hostile.run('twice'), { first: true });
    assert.equal((await fails('resultBigInt')).kind, 'invalid-response');
  });
});

describe('HTTP runner', () => {
  let http: Awaited<ReturnType<typeof startHttpHandlers>>;
  let junk: Server;
  let junkUrl: string;
  before(async () => {
    http = await startHttpHandlers();
    junk = createServer((_req, res) => res.end('<html>not json</html>'));
    await new Promise<void>((r) => junk.listen(0, '127.0.0.1', r));
    junkUrl = `http://127.0.0.1:${(junk.address() as AddressInfo).port}/`;
  });
  after(async () => {
    await http.close();
    junk.closeAllConnections();
    junk.close();
  });

  test('the answer body is the result; a non-2xx answer is a function error with errorMessage', async () => {
    const r = makeTriggerRunner({
      ...base,
      mappings: { ok: { url: http.url('pre-sign-up-auto-confirm') }, deny: { url: http.url('pre-sign-up-domain') }, junk: { url: junkUrl } },
    });
    assert.equal(((await r.invoke('ok', EVENT)) as any).response.autoConfirmUser, true);
    const e = await failure(r.invoke('deny', { ...EVENT, request: { userAttributes: { email: 'x@other.org' } } }));
    assert.deepEqual([e.kind, e.message], ['function', 'Email domain not allowed']);
    assert.equal((await failure(r.invoke('junk', EVENT))).kind, 'invalid-response');
  });

  test('an answer larger than 6 MB, streamed or declared, is aborted as invalid (HTTP and Invoke API)', async () => {
    let closed = 0;
    const endless = createServer((req, res) => {
      req.resume();
      res.on('close', () => closed++);
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(400 * 1024 * 1024) });
        res.write('{');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    await new Promise<void>((r) => endless.listen(0, '127.0.0.1', r));
    const at = `http://127.0.0.1:${(endless.address() as AddressInfo).port}`;
    try {
      const r = makeTriggerRunner({
        ...base,
        mappings: { streamed: { url: `${at}/streamed` }, declared: { url: `${at}/declared` }, api: { lambda: { endpoint: at } } },
      });
      for (const arn of ['streamed', 'declared', 'api']) {
        const started = Date.now();
        const e = await failure(r.invoke(arn, EVENT, { timeoutMs: 20_000 }));
        assert.deepEqual([arn, e.kind], [arn, 'invalid-response']);
        assert.ok(Date.now() - started < 10_000, 'aborted, not timed out');
      }
      for (let i = 0; i < 50 && closed < 3; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(closed, 3, 'the connections are closed');
    } finally {
      endless.closeAllConnections();
      endless.close();
    }
  });

  test('a redirect is not followed: unreachable, and the event goes nowhere else (HTTP and Invoke API)', async () => {
    const elsewhere: string[] = [];
    const target = createServer((req, res) => {
      elsewhere.push(`${req.method} ${req.url}`);
      res.end(JSON.stringify({ ...EVENT, response: { stolen: true } }));
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
    const redirector = createServer((req, res) => {
      req.resume();
      const status = Number(req.url!.split('/')[1]) || 307;
      res.writeHead(status, { location: targetUrl });
      res.end();
    });
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
    const at = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
    try {
      const r = makeTriggerRunner({
        ...base,
        mappings: {
          '307': { url: `${at}/307` },
          '308': { url: `${at}/308` },
          '302': { url: `${at}/302` },
          '301': { url: `${at}/301` },
          api: { lambda: { endpoint: `${at}/307` } },
        },
      });
      for (const arn of ['307', '308', '302', '301', 'api']) assert.deepEqual([arn, (await failure(r.invoke(arn, EVENT))).kind], [arn, 'unreachable']);
      assert.deepEqual(elsewhere, []);
    } finally {
      for (const s of [target, redirector]) {
        s.closeAllConnections();
        s.close();
      }
    }
  });

  test('a non-2xx answer without a body is a function error that does not name the URL', async () => {
    const empty = createServer((req, res) => {
      req.resume();
      res.writeHead(500);
      res.end();
    });
    await new Promise<void>((r) => empty.listen(0, '127.0.0.1', r));
    try {
      const r = makeTriggerRunner({ ...base, mappings: { x: { url: `http://127.0.0.1:${(empty.address() as AddressInfo).port}/internal-hook` } } });
      const e = await failure(r.invoke('x', EVENT));
      assert.deepEqual([e.kind, e.message], ['function', 'HTTP 500']);
    } finally {
      empty.closeAllConnections();
      empty.close();
    }
  });

  test('nobody listening is unreachable', async () => {
    const r = makeTriggerRunner({ ...base, mappings: { x: { url: 'http://127.0.0.1:9/' } } });
    assert.equal((await failure(r.invoke('x', EVENT))).kind, 'unreachable');
  });
});

describe('Lambda Invoke API runner', () => {
  let api: Awaited<ReturnType<typeof startLambdaApi>>;
  before(async () => {
    api = await startLambdaApi(KEY, ['pre-sign-up-auto-confirm', 'pre-sign-up-domain']);
  });
  after(() => api.close());

  test('unmapped ARNs go to the Lambda endpoint, signed, RequestResponse, FunctionName = the whole ARN', async () => {
    const r = makeTriggerRunner({ ...base, lambdaEndpoint: api.endpoint });
    const arn = arnOf('pre-sign-up-auto-confirm');
    assert.equal(((await r.invoke(arn, EVENT)) as any).response.autoConfirmUser, true);
    const call = api.calls.at(-1)!;
    assert.equal(call.functionName, arn);
    assert.equal(call.headers['x-amz-invocation-type'], 'RequestResponse');
    assert.match(String(call.headers.authorization), /Credential=AKIDTESTADMIN0000001\/\d{8}\/us-east-1\/lambda\/aws4_request/);
  });

  test('invocation type Event (custom senders): the header says so and nothing is read from the answer', async () => {
    const r = makeTriggerRunner({ ...base, lambdaEndpoint: api.endpoint });
    const arn = arnOf('pre-sign-up-auto-confirm');
    assert.equal(await r.invoke(arn, EVENT, { invocationType: 'Event' }), null);
    assert.equal(api.calls.at(-1)!.headers['x-amz-invocation-type'], 'Event');
  });

  test('X-Amz-Function-Error is a function error; an unknown function or a wrong key is unreachable', async () => {
    const r = makeTriggerRunner({ ...base, lambdaEndpoint: api.endpoint });
    const e = await failure(r.invoke(arnOf('pre-sign-up-domain'), { ...EVENT, request: { userAttributes: { email: 'x@other.org' } } }));
    assert.deepEqual([e.kind, e.message, e.errorType], ['function', 'Email domain not allowed', 'Error']);
    const gone = await failure(r.invoke(arnOf('nope'), EVENT));
    assert.deepEqual([gone.kind, gone.errorType], ['unreachable', 'ResourceNotFoundException']);
    assert.match(gone.message, /answered 404 ResourceNotFoundException: Function not found/, 'the detail, for the log');
    const wrongKey = makeTriggerRunner({
      ...base,
      mappings: { [arnOf('pre-sign-up-domain')]: { lambda: { endpoint: api.endpoint, accessKeyId: 'AKIDOTHER', secretAccessKey: 'x' } } },
    });
    assert.equal((await failure(wrongKey.invoke(arnOf('pre-sign-up-domain'), EVENT))).kind, 'unreachable');
  });

  test('only a plain AWS error name is kept for callers; the whole detail is logged', async () => {
    const refusing = createServer((req, res) => {
      req.resume();
      const type = decodeURIComponent(req.url!.split('/')[3]!).split(':').at(-1)!;
      res.writeHead(403, type === 'none' ? {} : { 'x-amzn-errortype': `${type}:http://internal.example/detail` });
      res.end(JSON.stringify({ message: 'refused at /srv/lambda' }));
    });
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
    const logger = memoryLogger();
    try {
      const r = makeTriggerRunner({ ...base, lambdaEndpoint: endpoint, logger });
      for (const [type, kept] of [
        ['AccessDeniedException', 'AccessDeniedException'],
        ['TooManyRequestsException', 'TooManyRequestsException'],
        ['/etc/passwd', undefined],
        ['Refused at 10.0.0.1', undefined],
        ['none', undefined],
      ] as const) {
        const e = await failure(r.invoke(`arn:aws:lambda:us-east-1:1:function:${encodeURIComponent(type)}`, EVENT));
        assert.deepEqual([type, e.kind, e.errorType], [type, 'unreachable', kept]);
      }
      const logged = logger.entries.at(-1)!;
      assert.equal(logged.msg, 'trigger failed');
      assert.match(String(logged.fields?.error), new RegExp(`^${endpoint}/.* answered 403: refused at /srv/lambda$`));
    } finally {
      refusing.closeAllConnections();
      refusing.close();
    }
  });

  test('a mapped Lambda API with its own key and region; prefix patterns; nothing configured', async () => {
    const r = makeTriggerRunner({
      ...base,
      credentials: { accessKeyId: 'AKIDNOTUSED', secretAccessKey: 'x' },
      mappings: { 'arn:aws:lambda:us-east-1:123456789012:function:pre-sign-up-*': { lambda: { endpoint: api.endpoint, ...KEY, region: 'us-east-1' } } },
    });
    assert.equal(((await r.invoke(arnOf('pre-sign-up-auto-confirm'), EVENT)) as any).response.autoConfirmUser, true);
    assert.equal((await failure(r.invoke('arn:aws:lambda:us-east-1:1:function:other', EVENT))).kind, 'not-configured');
  });
});

describe('mapping file', () => {
  test('read from JSON; module paths resolve against its directory; bad entries refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cognate-map-'));
    const file = join(dir, 'triggers.json');
    writeFileSync(join(dir, 'h.mjs'), 'export const handler = async (e) => ({ ...e, response: { seen: true } });');
    writeFileSync(file, JSON.stringify({ 'arn:x': { module: './h.mjs' } }));
    const r = makeTriggerRunner({ ...base, ...loadTriggerMappings(file) });
    assert.deepEqual(((await r.invoke('arn:x', EVENT)) as any).response, { seen: true });
    writeFileSync(file, JSON.stringify({ 'arn:x': { command: 'rm' } }));
    assert.throws(() => loadTriggerMappings(file), TriggerConfigError);
    writeFileSync(file, '{');
    assert.throws(() => loadTriggerMappings(file), TriggerConfigError);
  });
});

describe('SigV4 signer', () => {
  test('byte-equal to @smithy/signature-v4, and accepted by our verifier', async () => {
    const url = invocationUrl('http://127.0.0.1:9001', 'arn:aws:lambda:eu-west-1:123456789012:function:my-fn:live');
    assert.equal(url.pathname, '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Amy-fn%3Alive/invocations');
    const body = JSON.stringify({ hello: 'wörld' });
    const nowMs = Date.UTC(2026, 0, 2, 3, 4, 5);
    for (const credentials of [KEY, { ...KEY, sessionToken: 'session/token+=' }]) {
      const ours = signRequest(
        { method: 'POST', url, body, headers: { 'Content-Type': 'application/json', 'X-Amz-Invocation-Type': 'RequestResponse' } },
        { credentials, region: 'eu-west-1', service: 'lambda', nowMs },
      );
      const smithy = new SignatureV4({ credentials, region: 'eu-west-1', service: 'lambda', sha256: Sha256 });
      const theirs: { headers: Record<string, string> } = await smithy.sign(
        {
          method: 'POST',
          protocol: 'http:',
          hostname: url.hostname,
          port: Number(url.port),
          path: url.pathname,
          query: {},
          headers: { host: url.host, 'content-type': 'application/json', 'x-amz-invocation-type': 'RequestResponse' },
          body,
        },
        { signingDate: new Date(nowMs) },
      );
      assert.equal(ours.authorization, theirs.headers.authorization);
      const principal = await verifySigV4(
        { method: 'POST', path: url.pathname, query: '', headers: ours, body: Buffer.from(body) },
        { resolver: { resolve: async () => ({ secretAccessKey: KEY.secretAccessKey }) }, region: 'eu-west-1', services: ['lambda'], nowMs },
      );
      assert.equal(principal.accessKeyId, KEY.accessKeyId);
    }
  });
});
