// loadConfig's JSON-object setting (identityProviders): from a flag, the environment or the config file, checked.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './load.ts';

test('identityProviders: JSON text in a flag or the environment, an object in the file; URLs without a trailing slash', () => {
  assert.deepEqual(loadConfig([], {}).config.identityProviders, {});
  const flag = loadConfig(['--identity-providers', '{"accounts.google.com":"http://127.0.0.1:9/g/"}'], {});
  assert.deepEqual(flag.config.identityProviders, { 'accounts.google.com': 'http://127.0.0.1:9/g' });
  assert.deepEqual(flag.extra, {});
  const env = loadConfig([], { COGNATE_IDENTITY_PROVIDERS: '{"login.example.com":"https://idp.internal"}' });
  assert.deepEqual(env.config.identityProviders, { 'login.example.com': 'https://idp.internal' });
  const dir = mkdtempSync(join(tmpdir(), 'cognate-config-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ region: 'eu-west-1', identityProviders: { 'graph.facebook.com': 'http://127.0.0.1:8081' } }));
  const fromFile = loadConfig(['--config', file], {});
  assert.deepEqual(fromFile.config.identityProviders, { 'graph.facebook.com': 'http://127.0.0.1:8081' });
  assert.equal(fromFile.config.region, 'eu-west-1');
});

test('identityProviders: not an object of http(s) URLs is refused naming the setting; an object for a plain setting too', () => {
  for (const bad of ['nope', '[]', '{"a":1}', '{"a":"ftp://x"}', '{"a":"http://"}']) {
    assert.throws(() => loadConfig(['--identity-providers', bad], {}), (e) => e instanceof ConfigError && e.message.startsWith('--identity-providers: '), bad);
  }
  const dir = mkdtempSync(join(tmpdir(), 'cognate-config-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ region: { a: 1 } }));
  assert.throws(() => loadConfig(['--config', file], {}), ConfigError);
});
