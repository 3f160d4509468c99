// Test support: a real Cognate server on a loopback port with in-memory SQLite, and real AWS SDK clients for it.
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/deps.ts';
import { makeTestDeps } from './deps.ts';
import { buildServer } from '../../src/server.ts';

export interface TestServer {
  url: string;
  deps: Awaited<ReturnType<typeof makeTestDeps>>;
  app: FastifyInstance;
  /** SDK client signing with the admin key. */
  idp: CognitoIdentityProviderClient;
  /** SDK client factory with other credentials (e.g. a wrong key). */
  idpWith(credentials: { accessKeyId: string; secretAccessKey: string }): CognitoIdentityProviderClient;
  close(): Promise<void>;
}

/** `beforeListen` may add hooks to the app (they cannot be added once it listens). */
export async function startTestServer(
  over: Parameters<typeof makeTestDeps>[0] = {},
  o: { beforeListen?: (app: FastifyInstance) => void } = {},
): Promise<TestServer> {
  const deps = await makeTestDeps(over);
  const app = buildServer(deps);
  o.beforeListen?.(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const url = `http://127.0.0.1:${port}`;
  (deps.config as { publicUrl: string }).publicUrl = url;
  const idpWith = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
    new CognitoIdentityProviderClient({ region: deps.config.region, endpoint: url, credentials, maxAttempts: 1 });
  const idp = idpWith(deps.admin);
  return {
    url,
    deps,
    app,
    idp,
    idpWith,
    async close() {
      idp.destroy();
      await app.close();
      await deps.store.close();
    },
  };
}

export type { Deps };

/** Runs `fn` and returns the AWS error it threw (fails if it did not throw). */
export async function awsErrorOf(fn: () => Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await fn();
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected an AWS error, but the call succeeded');
}
