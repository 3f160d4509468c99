// Runs a trigger over plain HTTP: POST the event as JSON to a mapped URL; a 2xx body is the handler's result, any
// other status (or an X-Amz-Function-Error header, as Lambda marks one) is a handler error.
import { functionError, parseAnswer, TriggerInvokeError } from './outcome.ts';

/** POSTs `body` and reads the answer, mapping network failures and the timeout to TriggerInvokeError. */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<{ status: number; headers: Headers; text: string }> {
  try {
    const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch (e) {
    const err = e as Error;
    if (err.name === 'TimeoutError') throw new TriggerInvokeError('timeout', `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new TriggerInvokeError('unreachable', `${url}: ${cause?.code ?? cause?.message ?? err.message}`);
  }
}

export async function invokeHttp(url: string, event: object, timeoutMs: number): Promise<unknown> {
  const res = await postJson(url, JSON.stringify(event), { 'content-type': 'application/json' }, timeoutMs);
  if (res.status < 200 || res.status > 299 || res.headers.get('x-amz-function-error'))
    throw functionError(res.text, `${url} answered ${res.status}`);
  return parseAnswer(res.text);
}
