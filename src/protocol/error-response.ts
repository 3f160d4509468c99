// The one error writer for the AWS JSON protocols: status, x-amzn-ErrorType, {"__type","message"}.
import type { FastifyReply } from 'fastify';
import { InternalErrorException, ServiceError } from './errors.ts';
import type { Logger } from '../runtime/logger.ts';

/** Turns anything thrown into a ServiceError; unexpected ones become 500 InternalErrorException and are logged with their stack. */
export function toServiceError(err: unknown, logger: Logger, fields: Record<string, unknown>): ServiceError {
  if (err instanceof ServiceError) return err;
  logger.error('unexpected error', { ...fields, error: err instanceof Error ? err.stack ?? err.message : String(err) });
  return new InternalErrorException();
}

/** `contentType`: the JSON 1.1 services' by default; restJson1 (Cognito Sync) answers application/json. */
export function sendAwsJsonError(reply: FastifyReply, e: ServiceError, requestId: string, contentType = 'application/x-amz-json-1.1'): FastifyReply {
  // Header values must be single-line latin1 and every client bounds the header section (Node: 16 KB): the
  // header carries a printable-ASCII prefix of the message; the body has it whole.
  const headerMessage = headerSafe(e.message);
  return reply
    .status(e.status)
    .header('content-type', contentType)
    .header('x-amzn-requestid', requestId)
    .header('x-amzn-errortype', `${e.code}:`)
    .header('x-amzn-errormessage', headerMessage)
    .send(JSON.stringify({ __type: e.code, message: e.message, ...e.extra }));
}

/** Longest x-amzn-ErrorMessage value sent. */
export const MAX_HEADER_MESSAGE = 1024;

/** Printable ASCII ('?' for anything else), at most MAX_HEADER_MESSAGE characters ('...' marks a cut). */
export function headerSafe(message: string): string {
  const clean = message.replace(/[^\x20-\x7e]/g, '?');
  return clean.length <= MAX_HEADER_MESSAGE ? clean : clean.slice(0, MAX_HEADER_MESSAGE - 3) + '...';
}
