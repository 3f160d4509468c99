// Runs a trigger through the Lambda Invoke API (AWS Lambda, or anything that speaks it): POST
// /2015-03-31/functions/{FunctionName}/invocations, RequestResponse, SigV4 service `lambda`. A 200 answer's body is
// the handler's result; an X-Amz-Function-Error header marks a handler error ({"errorMessage","errorType"} body).
// Invocation type Event (custom senders, which Cognito invokes asynchronously): Lambda queues the event and answers
// 202 without a result.
import type { Clock } from '../clock.ts';
import { postJson } from './http.ts';
import { AWS_ERROR_NAME, functionError, parseAnswer, TriggerInvokeError } from './outcome.ts';
import { signRequest } from './sigv4-sign.ts';

export interface LambdaApiTarget {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The Invoke URL for a function: the whole ARN as FunctionName, percent-encoded as the SDKs encode a path label. */
export function invocationUrl(endpoint: string, functionName: string): URL {
  const label = encodeURIComponent(functionName).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return new URL(`${endpoint.replace(/\/+$/, '')}/2015-03-31/functions/${label}/invocations`);
}

export async function invokeLambdaApi(
  t: LambdaApiTarget,
  arn: string,
  event: object,
  timeoutMs: number,
  clock: Clock,
  invocationType: 'RequestResponse' | 'Event' = 'RequestResponse',
): Promise<unknown> {
  const url = invocationUrl(t.endpoint, arn);
  const body = JSON.stringify(event);
  const headers = signRequest(
    { method: 'POST', url, body, headers: { 'content-type': 'application/json', 'x-amz-invocation-type': invocationType } },
    { credentials: t, region: t.region, service: 'lambda', nowMs: clock.now() },
  );
  // fetch sets Host itself (from the URL: the same value).
  delete headers.host;
  const res = await postJson(url.href, body, headers, timeoutMs);
  if (res.status < 200 || res.status > 299) {
    // The Lambda API refused the call (unknown function, bad signature, throttled): the function never ran. Its error
    // name (x-amzn-ErrorType "Name:detail", else a JSON __type "namespace#Name") reaches the caller when it is a
    // plain AWS error name; the rest is logged.
    let parsed: { __type?: unknown; message?: unknown; Message?: unknown } = {};
    try {
      parsed = (JSON.parse(res.text) as typeof parsed | null) ?? {};
    } catch {
      // not JSON: the status alone
    }
    const type = res.headers.get('x-amzn-errortype')?.split(':')[0] ?? (typeof parsed.__type === 'string' ? parsed.__type.split('#').pop() : undefined);
    const message = parsed.message ?? parsed.Message;
    throw new TriggerInvokeError(
      'unreachable',
      `${url.href} answered ${res.status}${type ? ` ${type}` : ''}${typeof message === 'string' ? `: ${message.slice(0, 500)}` : ''}`,
      type && AWS_ERROR_NAME.test(type) ? type : undefined,
    );
  }
  if (invocationType === 'Event') return null;
  if (res.headers.get('x-amz-function-error')) throw functionError(res.text, 'Unhandled');
  return parseAnswer(res.text);
}
