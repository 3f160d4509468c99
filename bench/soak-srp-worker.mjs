// A worker thread of bench/soak.ts: SRP sign-ins by amazon-cognito-identity-js, unmodified. The library's
// big-integer math is pure JavaScript and takes some 200 ms of CPU a sign-in, so it runs here, off the thread
// that drives the other calls, where it would delay them and inflate their latencies. One sign-in at a time:
// each HTTP call the library makes is timed from request to answer, undisturbed by another sign-in's math.
// Message in:  { endpoint, poolId, clientId, username, password }
// Message out: { ms, calls: [{ op, ms, failed }], error?: name, network?: true when no answer came (reset, refused) }
import { parentPort } from 'node:worker_threads';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';

let calls = [];
const realFetch = globalThis.fetch;
// The library calls the global fetch; this records each call's operation and round trip.
globalThis.fetch = async (url, options) => {
  const op = String(options?.headers?.['X-Amz-Target'] ?? '').split('.').pop();
  const t0 = performance.now();
  try {
    const response = await realFetch(url, options);
    calls.push({ op, ms: performance.now() - t0, failed: !response.ok });
    return response;
  } catch (e) {
    calls.push({ op, ms: performance.now() - t0, failed: true });
    throw e;
  }
};

/** A storage that forgets: each sign-in's tokens go with it rather than piling up in this thread. */
function throwawayStorage() {
  const items = new Map();
  return {
    setItem: (k, v) => void items.set(k, v),
    getItem: (k) => items.get(k) ?? null,
    removeItem: (k) => void items.delete(k),
    clear: () => items.clear(),
  };
}

parentPort.on('message', ({ endpoint, poolId, clientId, username, password }) => {
  calls = [];
  const Storage = throwawayStorage();
  const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint, Storage });
  const user = new CognitoUser({ Username: username, Pool: pool, Storage });
  const t0 = performance.now();
  const reply = (error) =>
    parentPort.postMessage({
      ms: performance.now() - t0,
      calls,
      ...(error && { error: error.code || error.name || String(error), network: error.code === 'NetworkError' }),
    });
  user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
    onSuccess: (session) => reply(session.getAccessToken().getJwtToken() ? undefined : { code: 'NoAccessToken' }),
    onFailure: (err) => reply(err),
    newPasswordRequired: () => reply({ code: 'UnexpectedNewPasswordRequired' }),
    mfaRequired: () => reply({ code: 'UnexpectedMfaRequired' }),
    totpRequired: () => reply({ code: 'UnexpectedTotpRequired' }),
  });
});
