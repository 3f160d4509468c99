// GET /metrics: Prometheus text format (checked by a strict parser of the format), requests by service, operation and
// outcome, latency histograms, sign-ins and their failures, lockouts, the argon2id queue, store latency; with
// --workers 2 the sum over both workers; open to callers on this machine, or with the COGNATE_METRICS_TOKEN bearer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer } from '../support/server.ts';
import { startCognate, tempDir } from '../support/process.ts';
import { parsePrometheusText, sampleValue, type Family } from '../support/prometheus-text.ts';

async function scrape(url: string, headers: Record<string, string> = {}): Promise<Map<string, Family>> {
  const res = await fetch(`${url}/metrics`, { headers });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
  assert.equal(res.headers.get('access-control-allow-origin'), null, 'no CORS grant');
  return parsePrometheusText(await res.text());
}

/** GET on a fresh connection each time (so node:cluster hands them to the workers in turn), any Host header allowed. */
function getFresh(url: string, headers: Record<string, string> = {}): Promise<{ status: number; id: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, id: String(res.headers['x-amzn-requestid']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('requests by operation and outcome, latency, sign-ins, their failures, lockouts, the argon2id queue and store latency', async () => {
  const server = await startTestServer();
  try {
    const pool = (await server.idp.send(new CreateUserPoolCommand({ PoolName: 'metrics' }))).UserPool!;
    const client = (
      await server.idp.send(new CreateUserPoolClientCommand({ UserPoolId: pool.Id!, ClientName: 'c', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))
    ).UserPoolClient!;
    await server.idp.send(new AdminCreateUserCommand({ UserPoolId: pool.Id!, Username: 'mia', MessageAction: 'SUPPRESS' }));
    await server.idp.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.Id!, Username: 'mia', Password: 'Right-Passw0rd', Permanent: true }));
    const signIn = (USERNAME: string, PASSWORD: string) =>
      server.idp.send(new InitiateAuthCommand({ ClientId: client.ClientId!, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD } })).then(
        () => 'ok',
        (e: Error) => e.name,
      );
    assert.equal(await signIn('mia', 'Right-Passw0rd'), 'ok');
    // Five wrong passwords: the fifth locks mia out; the sixth attempt is refused for the lockout.
    for (let i = 0; i < 6; i++) assert.equal(await signIn('mia', `Wrong-${i}`), 'NotAuthorizedException');
    assert.equal(await signIn('nobody', 'Whatever-1'), 'UserNotFoundException');
    await fetch(`${server.url}/health`);
    await fetch(`${server.url}/no/such/page?code=123456`);

    const m = await scrape(server.url);
    assert.equal(m.get('cognate_requests_total')?.type, 'counter');
    assert.equal(m.get('cognate_request_duration_seconds')?.type, 'histogram');
    const req = (operation: string, outcome: string, service = 'cognito-idp') => sampleValue(m, 'cognate_requests_total', { service, operation, outcome });
    assert.equal(req('InitiateAuth', 'success'), 1);
    assert.equal(req('InitiateAuth', 'NotAuthorizedException'), 6);
    assert.equal(req('InitiateAuth', 'UserNotFoundException'), 1);
    assert.equal(req('CreateUserPool', 'success'), 1);
    assert.equal(req('GET /health', 'success', 'http'), 1);
    assert.equal(req('unmatched', 'http_404', 'http'), 1, 'an unknown path is one label, not its URL');
    assert.equal(sampleValue(m, 'cognate_request_duration_seconds_count', { service: 'cognito-idp', operation: 'InitiateAuth' }), 8);
    assert.equal(sampleValue(m, 'cognate_sign_ins_total'), 1);
    assert.equal(sampleValue(m, 'cognate_sign_in_failures_total', { reason: 'password' }), 5);
    assert.equal(sampleValue(m, 'cognate_sign_in_failures_total', { reason: 'locked_out' }), 1);
    assert.equal(sampleValue(m, 'cognate_sign_in_failures_total', { reason: 'unknown_user' }), 1);
    assert.equal(sampleValue(m, 'cognate_sign_in_failures_total', { reason: 'user_status' }), 0);
    assert.equal(sampleValue(m, 'cognate_lockouts_total'), 1);
    assert.equal(sampleValue(m, 'cognate_argon2_queue_depth'), 0);
    assert.equal(sampleValue(m, 'cognate_argon2_running'), 0);
    assert.ok(sampleValue(m, 'cognate_store_duration_seconds_count', { method: 'users.get' })! >= 8, 'store calls timed by method');
    assert.ok(sampleValue(m, 'cognate_store_duration_seconds_count', { method: 'counters.takeAttempt' })! >= 6);
    // No label value came from the request: the unknown path's query is nowhere.
    for (const f of m.values()) for (const s of f.samples) for (const v of Object.values(s.labels)) assert.doesNotMatch(v, /123456|no\/such/);
  } finally {
    await server.close();
  }
});

test('the argon2id gauges read the hasher: computations waiting for a slot show as the queue depth', async () => {
  const server = await startTestServer();
  try {
    const { argon2Hasher } = await import('../../src/runtime/hashing.ts');
    const hasher = argon2Hasher(1);
    server.deps.metrics.watchHashing(hasher.load!);
    // One slot, three hashes (each tens of ms of argon2id): one runs, two wait while /metrics is read.
    const held = [hasher.hash('a'), hasher.hash('b'), hasher.hash('c')];
    const m = await scrape(server.url);
    assert.equal(sampleValue(m, 'cognate_argon2_running'), 1);
    assert.equal(sampleValue(m, 'cognate_argon2_queue_depth'), 2);
    await Promise.all(held);
    assert.equal(sampleValue(await scrape(server.url), 'cognate_argon2_queue_depth'), 0);
  } finally {
    await server.close();
  }
});

test('/metrics answers callers on this machine and bearers of COGNATE_METRICS_TOKEN; others get 403 AccessDeniedException', async () => {
  const server = await startTestServer({ config: { metricsToken: 'scrape-token-0123456789' } });
  try {
    const remote = (headers: Record<string, string> = {}) => server.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3', headers });
    const refused = await remote();
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.headers['x-amzn-errortype'], 'AccessDeniedException:');
    assert.equal((await remote({ authorization: 'Bearer wrong-token' })).statusCode, 403);
    const ok = await remote({ authorization: 'Bearer scrape-token-0123456789' });
    assert.equal(ok.statusCode, 200);
    assert.ok(parsePrometheusText(ok.body).has('cognate_requests_total'));
    // From this machine, but named by a foreign host (DNS rebinding) or read by a foreign web page: refused.
    assert.equal((await getFresh(`${server.url}/metrics`, { host: 'attacker.example:9330' })).status, 403);
    const page = await fetch(`${server.url}/metrics`, { headers: { origin: 'https://attacker.example' } });
    assert.equal(page.status, 403);
    assert.equal(page.headers.get('access-control-allow-origin'), null);
    assert.equal((await fetch(`${server.url}/metrics`)).status, 200);
  } finally {
    await server.close();
  }
});

test('--workers 2: /metrics on either worker answers the counts of both, summed', async () => {
  const server = await startCognate(['--data-dir', tempDir(), '--workers', '2'], { COGNATE_LOG_LEVEL: 'info' });
  try {
    const served: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await getFresh(`${server.url}/health`);
      assert.equal(r.status, 200);
      served.push(r.id);
    }
    await new Promise((r) => setTimeout(r, 100));
    // Which worker answered each request: the pid on its log line.
    const pids = new Set(
      server
        .stderr()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { msg: string; requestId?: string; pid: number })
        .filter((r) => r.msg === 'request' && served.includes(r.requestId!))
        .map((r) => r.pid),
    );
    assert.equal(pids.size, 2, 'both workers served /health');
    // Each scrape lands on one worker or the other; each must show all ten.
    for (let i = 0; i < 4; i++) {
      const r = await getFresh(`${server.url}/metrics`);
      assert.equal(r.status, 200, r.body);
      const m = parsePrometheusText(r.body);
      assert.equal(sampleValue(m, 'cognate_requests_total', { service: 'http', operation: 'GET /health', outcome: 'success' }), 10);
      assert.equal(sampleValue(m, 'cognate_request_duration_seconds_count', { service: 'http', operation: 'GET /health' }), 10);
      // The scrapes before this one, wherever they landed, counted once each.
      assert.equal(sampleValue(m, 'cognate_requests_total', { service: 'http', operation: 'GET /metrics', outcome: 'success' }) ?? 0, i);
    }
  } finally {
    assert.equal(await server.stop('SIGTERM'), 0);
  }
});
