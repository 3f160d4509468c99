// Typed AWS service errors: one class per AWS error name; the class name is the wire `__type`.

export type Fault = 'client' | 'server';

/** Base of every error that is answered with an AWS error name. */
export class ServiceError extends Error {
  /** The AWS error name sent as `__type` and `x-amzn-ErrorType`. */
  readonly code: string;
  readonly status: number;
  readonly fault: Fault;
  /** Extra members serialized beside `message` (e.g. InvalidParameterException's reasonCode). */
  readonly extra: Record<string, unknown>;

  constructor(code: string, message: string, opts: { status?: number; fault?: Fault; extra?: Record<string, unknown> } = {}) {
    super(message);
    this.code = code;
    this.name = code;
    this.fault = opts.fault ?? 'client';
    this.status = opts.status ?? (this.fault === 'server' ? 500 : 400);
    this.extra = opts.extra ?? {};
  }
}

/** Declares an error class whose instances carry `code` = the class's AWS name. */
export function awsError(code: string, defaults: { status?: number; fault?: Fault; message?: string } = {}) {
  const C = class extends ServiceError {
    constructor(message?: string, extra?: Record<string, unknown>) {
      super(code, message ?? defaults.message ?? '', { status: defaults.status, fault: defaults.fault, extra });
    }
  };
  Object.defineProperty(C, 'name', { value: code });
  return C;
}

// Protocol-level errors shared by every AWS JSON service.
export const SerializationException = awsError('SerializationException');
export const UnknownOperationException = awsError('UnknownOperationException');
export const InvalidParameterException = awsError('InvalidParameterException');
export const InternalErrorException = awsError('InternalErrorException', { fault: 'server', message: 'Internal server error.' });
export const MissingAuthenticationTokenException = awsError('MissingAuthenticationTokenException', {
  status: 403,
  message: 'Missing Authentication Token',
});
export const InvalidSignatureException = awsError('InvalidSignatureException', { status: 403 });
export const UnrecognizedClientException = awsError('UnrecognizedClientException', {
  message: 'The security token included in the request is invalid.',
});
/** Genuine temporary credentials past their Expiration (the Query services name it ExpiredToken: protocol/query.ts). */
export const ExpiredTokenException = awsError('ExpiredTokenException', {
  status: 403,
  message: 'The security token included in the request is expired',
});
export const IncompleteSignatureException = awsError('IncompleteSignatureException', { status: 403 });
export const AccessDeniedException = awsError('AccessDeniedException', { status: 403 });
export const RequestEntityTooLargeException = awsError('RequestEntityTooLargeException', { status: 413 });
