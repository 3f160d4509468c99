// Runs a trigger over plain HTTP: POST the event as JSON to a mapped URL; a 2xx body is the handler's result, a 3xx
// is unreachable (never followed), any other status (or an X-Amz-Function-Error header, as Lambda marks one) is a
// handler error.
import { answerTooLarge, functionError, MAX_ANSWER_BYTES, parseAnswer, TriggerInvokeError } from './outcome.ts';

/**
 * POSTs `body` and reads the answer, at most MAX_ANSWER_BYTES of it (a larger one is aborted: 'invalid-response'),
 * mapping network failures and the timeout (which covers reading the body too) to TriggerInvokeError.
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<{ status: number; headers: Headers; text: string }> {
  const stop = new AbortController();
  try {
    // Redirects are not followed: a 307/308 would re-POST the event (for UserMigration_Authentication the user's
    // password) to wherever the answer points, possibly another origin or plain http.
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stop.signal]),
    });
    if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status <= 399)) {
      stop.abort();
      throw new TriggerInvokeError('unreachable', `${url} answered ${res.status} (redirect to ${res.headers.get('location') ?? 'nowhere'}, not followed)`);
    }
    return { status: res.status, headers: res.headers, text: await readCapped(res, stop) };
  } catch (e) {
    if (e instanceof TriggerInvokeError) throw e;
    const err = e as Error;
    if (err.name === 'TimeoutError') throw new TriggerInvokeError('timeout', `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new TriggerInvokeError('unreachable', `${url}: ${cause?.code ?? cause?.message ?? err.message}`);
  }
}

/** The body as UTF-8 text, read as a stream; past MAX_ANSWER_BYTES (declared or received) the request is aborted. */
async function readCapped(res: Response, stop: AbortController): Promise<string> {
  const tooLarge = () => {
    stop.abort();
    return answerTooLarge();
  };
  if (Number(res.headers.get('content-length')) > MAX_ANSWER_BYTES) throw tooLarge();
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > MAX_ANSWER_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function invokeHttp(url: string, event: object, timeoutMs: number): Promise<unknown> {
  const res = await postJson(url, JSON.stringify(event), { 'content-type': 'application/json' }, timeoutMs);
  if (res.status < 200 || res.status > 299 || res.headers.get('x-amz-function-error'))
    // The fallback message reaches the caller ("X failed with error HTTP 500."): never the URL (ours).
    throw functionError(res.text, `HTTP ${res.status}`);
  return parseAnswer(res.text);
}
