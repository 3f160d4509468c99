// Answers to requests Node's HTTP parser refuses before any route runs (malformed HTTP, a header section over
// 16 KB, a slow client): the same statuses as Fastify's default, but an AWS JSON error body and headers, so every
// client reads them like any other error.
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';

function refusal(err: NodeJS.ErrnoException): { status: number; type: string; message: string } {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, type: 'RequestTimeoutException', message: 'The request was not received in time.' };
  if (err.code === 'HPE_HEADER_OVERFLOW') return { status: 431, type: 'BadRequestException', message: 'The request headers are larger than 16 KB.' };
  return { status: 400, type: 'BadRequestException', message: 'The request is not valid HTTP.' };
}

export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, type, message } = refusal(err);
  const body = JSON.stringify({ __type: type, message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/x-amz-json-1.1\r\nx-amzn-ErrorType: ${type}:\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
