// How a trigger invocation ended when it did not answer: the runner's typed error, and the helpers every kind of
// runner shares to read an answer.

/**
 * Why an invocation failed:
 * - `function`: the handler threw, called back with an error, or answered as failed (message = its errorMessage);
 * - `timeout`: no answer within the timeout;
 * - `unreachable`: the module, endpoint or function could not be loaded or reached, or refused the call (message for
 *   the log only, see errorType);
 * - `invalid-response`: the answer is not JSON, or larger than MAX_ANSWER_BYTES;
 * - `not-configured`: the ARN is not mapped and no COGNATE_LAMBDA_ENDPOINT is set.
 */
export type TriggerFailure = 'function' | 'timeout' | 'unreachable' | 'invalid-response' | 'not-configured';

export class TriggerInvokeError extends Error {
  constructor(
    readonly kind: TriggerFailure,
    message: string,
    /**
     * Kind 'function': the handler's errorType. Kind 'unreachable': the Lambda API's error name when it refused the
     * call and named a plain AWS error (AWS_ERROR_NAME), the only detail of a runner failure callers may see; the
     * message (paths, URLs, causes) is for the server log.
     */
    readonly errorType?: string,
  ) {
    super(message);
    this.name = 'TriggerInvokeError';
  }
}

/** An AWS error name as x-amzn-ErrorType carries one: ResourceNotFoundException, AccessDeniedException, … */
export const AWS_ERROR_NAME = /^[A-Z][A-Za-z0-9]{0,99}(Exception|Error|Fault)$/;

/**
 * The largest answer read: Lambda's synchronous invocation payload quota ("Invocation payload (request and response)
 * 6 MB each", Lambda quotas; the Invoke API: "For synchronous invocations, the maximum payload size is 6 MB"). Bodies
 * are read up to it and no further; a larger answer is 'invalid-response'.
 */
export const MAX_ANSWER_BYTES = 6 * 1024 * 1024;

export const answerTooLarge = () => new TriggerInvokeError('invalid-response', `the answer is larger than ${MAX_ANSWER_BYTES} bytes`);

/** Rejects with a 'timeout' TriggerInvokeError when `work` has not settled within `ms`. */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TriggerInvokeError('timeout', `Task timed out after ${(ms / 1000).toFixed(2)} seconds`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Parses an answer body as JSON ('' → null, as Lambda answers a handler that returned nothing). */
export function parseAnswer(body: string): unknown {
  if (body.trim() === '') return null;
  try {
    return JSON.parse(body);
  } catch {
    throw new TriggerInvokeError('invalid-response', 'the answer is not JSON');
  }
}

/** A failed answer's message: Lambda's {"errorMessage","errorType"} body, else the body itself. */
export function functionError(body: string, fallback: string): TriggerInvokeError {
  try {
    const j = JSON.parse(body) as { errorMessage?: unknown; errorType?: unknown };
    if (j && typeof j === 'object' && typeof j.errorMessage === 'string')
      return new TriggerInvokeError('function', j.errorMessage, typeof j.errorType === 'string' ? j.errorType : undefined);
  } catch {
    // not JSON: the text is the message
  }
  return new TriggerInvokeError('function', body.trim() || fallback);
}
