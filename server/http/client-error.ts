/**
 * Requests Node's HTTP parser refuses before Express sees them (headers or URL over Node's
 * limit, a malformed request line): answered with our error body too, not Node's bare status line.
 */
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { HTTP_STATUS, type ErrorBody } from '../../shared/errors.js';

export function answerClientErrors(http: HttpServer): void {
  http.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // Nothing can be written to a connection that is gone or already answering.
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const body: ErrorBody =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? { code: 'PAYLOAD_TOO_LARGE', message: 'The request headers or URL are too long' }
        : { code: 'VALIDATION', message: 'The request could not be read' };
    const json = JSON.stringify({ error: body });
    const status = HTTP_STATUS[body.code];
    socket.end(`HTTP/1.1 ${status} ${status === 413 ? 'Content Too Large' : 'Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`);
  });
}
