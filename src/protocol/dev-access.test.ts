// Which requests get the --dev relaxations: Host naming this server and Origin absent or this machine's own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { devAccess, hostIsLocal, originIsLocal } from './dev-access.ts';

const config = { dev: true, host: '0.0.0.0', publicUrl: 'https://id.example.test' };

test('Host: localhost, *.localhost, IP literals, the bind address and the public URL host name this server', () => {
  const local = ['localhost', 'localhost:9330', 'LOCALHOST.', 'app.localhost:9330', '127.0.0.1:9330', '10.1.2.3', '[::1]:9330', '[fe80::1]', 'id.example.test', 'ID.example.test:443'];
  for (const host of local) assert.equal(hostIsLocal(config, { host }), true, host);
  assert.equal(hostIsLocal({ host: 'cognate.internal', publicUrl: 'http://127.0.0.1:9330' }, { host: 'cognate.internal:9330' }), true, 'the bind address');
  const foreign = ['evil.example', 'evil.example:9330', 'localhost.evil.example', 'id.example.test.evil.example', '127.0.0.1.nip.io', '', 'bad host'];
  for (const host of foreign) assert.equal(hostIsLocal(config, { host }), false, host);
  assert.equal(hostIsLocal(config, {}), false, 'no Host header');
});

test('Origin: absent, loopback or the public URL origin; never null, another site or another scheme', () => {
  assert.equal(originIsLocal(config, {}), true);
  const local = ['http://localhost:5173', 'https://localhost', 'http://app.localhost:3000', 'http://127.0.0.1', 'http://127.8.9.10:1', 'http://[::1]:8080', 'https://id.example.test'];
  for (const origin of local) assert.equal(originIsLocal(config, { origin }), true, origin);
  const foreign = ['null', 'http://evil.example', 'http://localhost.evil.example', 'http://id.example.test', 'https://id.example.test:8443', 'http://10.0.0.5', 'file://', 'chrome-extension://abc', 'not a url'];
  for (const origin of foreign) assert.equal(originIsLocal(config, { origin }), false, origin);
});

test('devAccess needs --dev, a local Host and a local Origin', () => {
  assert.equal(devAccess(config, { host: 'localhost:9330' }), true);
  assert.equal(devAccess({ ...config, dev: false }, { host: 'localhost:9330' }), false);
  assert.equal(devAccess(config, { host: 'evil.example' }), false);
  assert.equal(devAccess(config, { host: 'localhost:9330', origin: 'http://evil.example' }), false);
});
