// Each worker process opens its own pg pool: the server's workers together keep to one budget of connections.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { poolSizeFor, SERVER_CONNECTIONS } from './index.ts';

test('the PostgreSQL pool of a worker is its share of the server budget, at least 2', () => {
  assert.equal(poolSizeFor(1), SERVER_CONNECTIONS);
  assert.equal(poolSizeFor(2), Math.ceil(SERVER_CONNECTIONS / 2));
  for (const workers of [1, 2, 3, 4, 8, 16, 64, 256]) {
    const size = poolSizeFor(workers);
    assert.ok(size >= 2, `${workers} workers: ${size}`);
    // Never more in all than the budget, but for the floor of 2 per worker.
    assert.ok(size * workers <= Math.max(SERVER_CONNECTIONS + workers - 1, 2 * workers), `${workers} workers: ${size} each`);
  }
});
